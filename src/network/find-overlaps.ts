import { blocksOverlap, parseCidrBlock, type CidrBlock } from './cidr-block.js';
import { BLOCK_KINDS, type BlockKind, type SiteNetworks } from './site-networks.js';

/** One block of one site. */
export interface SiteBlock {
  site: string;
  kind: BlockKind;
  cidr: string;
}

/** Two blocks of two sites that share addresses. */
export interface Overlap {
  a: SiteBlock;
  b: SiteBlock;
}

/** Every block of every site, parsed; the field named in an error is `<site>.<kind>[i]`. */
export function siteBlocks(
  sites: readonly SiteNetworks[],
): Array<SiteBlock & { block: CidrBlock }> {
  return sites.flatMap((s) =>
    BLOCK_KINDS.flatMap((kind) =>
      s[kind].map((cidr, i) => ({
        site: s.site,
        kind,
        cidr,
        block: parseCidrBlock(cidr, `${s.site}.${kind}[${i}]`),
      })),
    ),
  );
}

/**
 * Every overlap between blocks of two different sites, whatever their kinds: a pod CIDR of one
 * site inside another's Service CIDR breaks a direct path as surely as two equal pod CIDRs.
 * Sorted blocks are swept once, so a clusterset of many sites is not a product of all blocks.
 */
export function findOverlaps(sites: readonly SiteNetworks[]): Overlap[] {
  const blocks = siteBlocks(sites).sort((x, y) =>
    x.block.family === y.block.family
      ? Number(x.block.first - y.block.first)
      : x.block.family.localeCompare(y.block.family),
  );
  const out: Overlap[] = [];
  for (const [i, x] of blocks.entries())
    for (let j = i + 1; j < blocks.length; j++) {
      const y = blocks[j];
      // Sorted by start: once a block starts past x's end (or in the other family), none after it overlaps x.
      if (y === undefined || !blocksOverlap(x.block, y.block)) break;
      if (x.site !== y.site) out.push(pairOf(x, y));
    }
  return out.sort((p, q) => pairName(p).localeCompare(pairName(q)));
}

function pairOf(x: SiteBlock, y: SiteBlock): Overlap {
  const strip = (b: SiteBlock): SiteBlock => ({ site: b.site, kind: b.kind, cidr: b.cidr });
  return x.site < y.site ? { a: strip(x), b: strip(y) } : { a: strip(y), b: strip(x) };
}

function pairName(o: Overlap): string {
  return `${o.a.site}/${o.b.site}/${o.a.kind}/${o.a.cidr}/${o.b.kind}/${o.b.cidr}`;
}
