// esbuild's text loader turns each shaders/*.wgsl import into its source string.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
