export { Router, type RouterOptions } from './router.js';
export { listenerFailure } from './listener-failure.js';
