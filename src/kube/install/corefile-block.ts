import { CausewayError, ErrorCode } from '../../errors/index.js';

/** Markers around the server block Causeway owns in a Corefile; nothing outside them is touched. */
export const BLOCK_BEGIN =
  '# causeway:begin (managed by `causeway kube dns`; change it with that command, not by hand)';
export const BLOCK_END = '# causeway:end';

/** The CoreDNS server block that sends a zone's queries to Causeway's DNS. */
export function corefileBlock(zone: string, upstream: string): string {
  return [
    BLOCK_BEGIN,
    `${zone}:53 {`,
    '    errors',
    `    forward . ${upstream}`,
    '}',
    BLOCK_END,
    '',
  ].join('\n');
}

/** The Corefile without Causeway's block (and the blank line that set it apart). */
export function withoutBlock(corefile: string): string {
  const lines = corefile.split('\n');
  const begin = lines.findIndex((l) => l.startsWith('# causeway:begin'));
  if (begin === -1) return corefile;
  const end = lines.findIndex((l, i) => i > begin && l === BLOCK_END);
  if (end === -1)
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      'the Corefile has a "# causeway:begin" line without "# causeway:end"',
      { hint: `add the line "${BLOCK_END}" after Causeway's block, or remove the block` },
    );
  const from = begin > 0 && lines[begin - 1] === '' ? begin - 1 : begin;
  return [...lines.slice(0, from), ...lines.slice(end + 1)].join('\n');
}

/**
 * The Corefile with Causeway's block at the end, replacing an earlier one: applying twice gives the
 * same text. Refuses when a server block for the zone exists outside the markers, since CoreDNS
 * would reject two blocks for one zone and port.
 */
export function withBlock(corefile: string, block: string, zone: string): string {
  const base = withoutBlock(corefile);
  const own = new RegExp(`^\\s*${zone.replace(/\./g, '\\.')}\\.?(:53)?\\s*\\{`, 'm');
  if (own.test(base)) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `the Corefile already has a server block for ${zone} that Causeway did not write`,
      {
        hint: `remove that block from the Corefile, then run \`causeway kube dns --apply\` again`,
      },
    );
  }
  const trimmed = base.endsWith('\n') || base === '' ? base : `${base}\n`;
  return `${trimmed}${trimmed === '' ? '' : '\n'}${block}`;
}
