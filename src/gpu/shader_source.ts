/** A WGSL module and the name of its file in shaders/, used in every error it causes. */
export interface ShaderSource {
  readonly name: string;
  readonly code: string;
}
