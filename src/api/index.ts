export { ApiServer } from './api-server.js';
export { ApiClient } from './api-client.js';
