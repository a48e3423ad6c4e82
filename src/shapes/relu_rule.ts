/**
 * How ReLU passes a gradient backward (Simonyan et al. 2014, section 4; Springenberg et al. 2015):
 * `gradient` where the forward input was > 0, `deconvnet` where the incoming gradient is > 0,
 * `guided` where both are.
 */
export type ReluRule = 'gradient' | 'deconvnet' | 'guided';

export const RELU_RULES: readonly ReluRule[] = ['gradient', 'deconvnet', 'guided'];
