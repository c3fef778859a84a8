import { Command } from 'commander';
import { kubeControllerCommand } from './kube-controller-command.js';
import { kubeDnsCommand } from './kube-dns-command.js';
import { kubeInstallCommand, kubeUninstallCommand } from './kube-install-command.js';
import { kubeLinkCommand } from './kube-link-command.js';
import { kubeSaveSiteCommand } from './kube-save-site-command.js';

/** `causeway kube …`: Kubernetes integration; each subcommand lives in its own file. */
export function kubeCommand(): Command {
  const kube = new Command('kube').description(
    'run Causeway on Kubernetes: install into clusters, link them, wire CoreDNS, and the MCS controller',
  );
  for (const command of [
    kubeInstallCommand(),
    kubeUninstallCommand(),
    kubeLinkCommand(),
    kubeDnsCommand(),
    kubeControllerCommand(),
    kubeSaveSiteCommand(),
  ])
    kube.addCommand(command);
  return kube;
}
