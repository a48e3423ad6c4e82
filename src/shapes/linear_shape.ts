/** A fully connected layer: x: (n, inFeatures)  weight: (outFeatures, inFeatures)  bias: (outFeatures)  y: (n, outFeatures). */
export interface LinearShape {
  readonly n: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
}
