import { Command } from 'commander';
import { kubeControllerCommand } from './kube-controller-command.js';

/** `causeway kube …`: Kubernetes integration; each subcommand lives in its own file. */
export function kubeCommand(): Command {
  const kube = new Command('kube').description('run Causeway on Kubernetes: the MCS controller and its helpers');
  kube.addCommand(kubeControllerCommand());
  return kube;
}
