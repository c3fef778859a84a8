import { DEFAULT_GSLB_FILE } from '../../gslb/index.js';

/** `--file` of every gslb command: the file, else $CAUSEWAY_GSLB_FILE, else ./gslb.yaml. */
export const FILE_HELP = `the GSLB file (default: $CAUSEWAY_GSLB_FILE or ./${DEFAULT_GSLB_FILE})`;
export const gslbFile = (file: string | undefined): string =>
  file ?? process.env['CAUSEWAY_GSLB_FILE'] ?? DEFAULT_GSLB_FILE;
/** Commander's accumulator for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
