import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { KubeLabNetwork } from './kube-lab-network.js';

/** A TCP backend inside the lab namespace that answers with its name and closes (which cluster served a flow). */
export async function startLabNameServer(lab: KubeLabNetwork, name: string, host: string): Promise<{ child: ChildProcess; host: string; port: number }> {
  const script = `const s=require('node:net').createServer((c)=>{c.on('error',()=>{});c.end(${JSON.stringify(`${name}\n`)})});s.listen(0,${JSON.stringify(host)},()=>console.log(s.address().port));`;
  const { command, args } = lab.exec(process.execPath, ['-e', script]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, host, port: Number(chunk.toString().trim()) };
}
