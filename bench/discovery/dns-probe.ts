import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** What one A query got: the rcode and the addresses answered (none on timeout). */
export interface DnsAnswer {
  rcode: string;
  addresses: string[];
}

/** A queries over UDP to one DNS server, matched by id; a reply not back within `timeoutMs` is a 'TIMEOUT'. */
export class DnsProbe {
  private readonly socket: Socket = createSocket('udp4');
  private readonly pending = new Map<number, (answer: DnsAnswer) => void>();
  private nextId = 1;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 250,
  ) {
    this.socket.on('message', (message: Buffer) => {
      const packet = dnsPacket.decode(message);
      const settle = this.pending.get(packet.id ?? -1);
      if (settle === undefined) return;
      const addresses = (packet.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
      // dns-packet decodes the rcode but its types do not declare it.
      settle({ rcode: (packet as { rcode?: string }).rcode ?? 'NOERROR', addresses });
    });
    this.socket.unref();
  }

  /** Parses `host:port` as status reports it. */
  static at(address: string, timeoutMs?: number): DnsProbe {
    const cut = address.lastIndexOf(':');
    return new DnsProbe(address.slice(0, cut), Number(address.slice(cut + 1)), timeoutMs);
  }

  queryA(name: string): Promise<DnsAnswer> {
    const id = this.nextId;
    this.nextId = (this.nextId % 65_535) + 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle({ rcode: 'TIMEOUT', addresses: [] }), this.timeoutMs);
      const settle = (answer: DnsAnswer): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(answer);
      };
      this.pending.set(id, settle);
      this.socket.send(
        dnsPacket.encode({ type: 'query', id, questions: [{ name, type: 'A' }] }),
        this.port,
        this.host,
      );
    });
  }

  close(): void {
    this.socket.close();
  }
}
