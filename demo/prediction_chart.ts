import { softmax } from '../src/mod.ts';

/**
 * The top classes as a bar chart in `list` (an `<ol>`): per class a button labelled with the class,
 * its unnormalised score S_c and its softmax probability, the bar as long as the probability. The
 * button of `chosen` is pressed; pressing another calls `onPick` with its class.
 */
export function renderPredictions(
  list: HTMLElement,
  labels: readonly string[],
  logits: ArrayLike<number>,
  chosen: number,
  onPick: (classIndex: number) => void,
  top = 5,
): void {
  const probabilities = softmax(logits);
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, top);
  list.replaceChildren(
    ...order.map((c) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'prediction';
      button.setAttribute('aria-pressed', String(c === chosen));
      const percent = 100 * probabilities[c];
      button.setAttribute('aria-label', `explain class ${c}, ${labels[c]}: score ${logits[c].toPrecision(4)}, probability ${percent.toFixed(1)}%`);
      const name = document.createElement('span');
      name.className = 'label';
      name.textContent = `${c} ${labels[c]}`;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.setProperty('--share', `${percent}%`);
      const numbers = document.createElement('span');
      numbers.className = 'numbers';
      numbers.textContent = `S_c ${logits[c].toPrecision(4)} · p ${percent < 0.1 ? percent.toExponential(1) : percent.toFixed(1)}%`;
      button.append(name, bar, numbers);
      button.addEventListener('click', () => onPick(c));
      item.append(button);
      return item;
    }),
  );
}
