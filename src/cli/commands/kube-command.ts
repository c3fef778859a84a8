import { Command } from 'commander';
import { kubeDnsCommand } from './kube-dns-command.js';
import { kubeInstallCommand, kubeUninstallCommand } from './kube-install-command.js';
import { kubeLinkCommand } from './kube-link-command.js';

/** `causeway kube`: Causeway on Kubernetes. */
export function kubeCommand(): Command {
  const kube = new Command('kube').description('run Causeway on Kubernetes: install into clusters, link them, wire CoreDNS');
  for (const command of [kubeInstallCommand(), kubeUninstallCommand(), kubeLinkCommand(), kubeDnsCommand()]) kube.addCommand(command);
  return kube;
}
