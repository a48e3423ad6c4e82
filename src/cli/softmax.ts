// softmax moved to src/nn so that the browser demo can use it too; showcase still imports it from here.
export { softmax } from '../nn/mod.ts';
