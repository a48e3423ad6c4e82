// The saliency section's method selector beyond the three ReLU rules: the samples and steps sliders of
// SmoothGrad and Integrated Gradients, and the progress of their copies. main.ts asks it for the method,
// its options and a progress callback; everything else about the methods is the engine's `attribute`.
import { ATTRIBUTION_DEFAULTS, type AttributionMethod, type AttributionOptions, MULTI_PASS_METHODS } from '../src/mod.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The method checked in the page's method group (`input[name="rule"]`, kept from when it held the rules only). */
export function chosenMethod(): AttributionMethod {
  return (document.querySelector<HTMLInputElement>('input[name="rule"]:checked')?.value ?? 'gradient') as AttributionMethod;
}

/** The sliders' values as `attribute` options (the other options at their defaults, as the CLI's). */
export function methodOptions(): AttributionOptions {
  return { steps: Number($<HTMLInputElement>('method-steps').value), samples: Number($<HTMLInputElement>('method-samples').value) };
}

/** A progress callback for `method` that fills the page's progress bar, and hides it for one-pass methods. */
export function methodProgress(method: AttributionMethod): (done: number, total: number) => void {
  const bar = $<HTMLProgressElement>('method-progress');
  const multi = MULTI_PASS_METHODS.includes(method);
  bar.hidden = !multi;
  bar.value = 0;
  return (done, total) => {
    bar.max = total;
    bar.value = done;
    bar.textContent = `${done}/${total} copies`;
  };
}

/** Shows each slider's value beside it and calls `changed` when a slider is let go (and its method is chosen). */
export function wireMethodControls(changed: () => void): void {
  for (const [id, method] of [['method-steps', 'ig'], ['method-samples', 'smoothgrad']] as const) {
    const slider = $<HTMLInputElement>(id);
    const output = $<HTMLOutputElement>(`${id}-value`);
    slider.value = String(id === 'method-steps' ? ATTRIBUTION_DEFAULTS.steps : ATTRIBUTION_DEFAULTS.samples);
    output.textContent = slider.value;
    slider.addEventListener('input', () => (output.textContent = slider.value));
    slider.addEventListener('change', () => {
      if (chosenMethod() === method) changed();
    });
  }
}
