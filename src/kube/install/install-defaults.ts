/**
 * Defaults the CLI shows in `--help`. They live apart, with no imports, so defining the commands
 * does not load the Kubernetes client (almost a second of start-up) for every `causeway` run.
 */
export const DEFAULT_NAMESPACE = 'causeway-system';
export const DEFAULT_IMAGE = 'causeway:0.1.0';
