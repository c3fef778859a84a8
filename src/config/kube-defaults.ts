/**
 * Where `causeway kube install` puts a site, and the image it runs, unless told otherwise. Kept in
 * `config/` with no imports, so a kube command's `--help` shows them without loading the
 * Kubernetes client (almost a second of start-up).
 */
export const DEFAULT_NAMESPACE = 'causeway-system';
export const DEFAULT_IMAGE = 'causeway:0.1.0';
