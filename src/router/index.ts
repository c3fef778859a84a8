export { Router, type RouterOptions } from './router.js';
