import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { KubeLabNetwork } from './kube-lab-network.js';

/**
 * A TCP backend inside the lab namespace that answers with its name and closes (which cluster, or
 * which pod, served a flow). It listens on each of `ports` (0: one the system picks); `port` is the first.
 */
export async function startLabNameServer(
  lab: KubeLabNetwork,
  name: string,
  host: string,
  ports: readonly number[] = [0],
): Promise<{ child: ChildProcess; host: string; port: number }> {
  const script =
    `const n=require('node:net');const ports=${JSON.stringify(ports)};let bound=[];` +
    `for(const p of ports){const s=n.createServer((c)=>{c.on('error',()=>{});c.end(${JSON.stringify(`${name}\n`)})});` +
    `s.listen(p,${JSON.stringify(host)},()=>{bound.push(s.address().port);if(bound.length===ports.length)console.log(bound[0])})}`;
  const { command, args } = lab.exec(process.execPath, ['-e', script]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, host, port: Number(chunk.toString().trim()) };
}
