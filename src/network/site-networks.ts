/** What a plan knows of one site's address space and surroundings. */
export interface SiteNetworks {
  site: string;
  /** Pod CIDRs (nodes' `podCIDRs`, or the cluster CIDR). */
  pods: string[];
  /** Service (ClusterIP) CIDRs. */
  services: string[];
  /** Node address blocks (a node's own address is a /32 or /128). */
  nodes: string[];
  /** The site's pod addresses are reachable from other sites' pods in its routed domain. */
  routable: boolean;
  /** The routed domain (a VPC peering mesh, a Transit Gateway): only sites in one domain route to each other. */
  domain: string;
  /** Cloud provider, as the operator names it (aws, gcp, azure, on-prem); absent: unknown. */
  cloud?: string;
  /** The CNI plugin, e.g. aws-vpc-cni, azure-cni, calico, cilium. */
  cni?: string;
  /** `high` when network isolation between clusters is required. */
  compliance?: 'low' | 'high';
  /** Where the addresses came from. */
  source: 'config' | 'cluster';
}

/** The three kinds of address block a site has. */
export const BLOCK_KINDS = ['pods', 'services', 'nodes'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];
