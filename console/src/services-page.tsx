import type { ConsoleSnapshot, ServiceView, StatusReport } from './console-data.js';

export function ServicesPage({ snapshot }: { snapshot: ConsoleSnapshot }) {
  const { services, status } = snapshot;
  return (
    <section>
      <h2>Services</h2>
      {!services.converged && (
        <p class="notice">
          Still learning the clusterset after a restart: a missing service may only be not yet heard
          of.
        </p>
      )}
      {services.unreachable.length > 0 && (
        <p class="notice">Out of the merge while unreachable: {services.unreachable.join(', ')}</p>
      )}
      {services.services.length === 0 ? (
        <p class="empty">
          No clusterset service yet: export one with <code>causeway expose</code>.
        </p>
      ) : (
        services.services.map((s) => (
          <ServiceCard key={`${s.namespace}/${s.name}`} service={s} status={status} />
        ))
      )}
    </section>
  );
}

function ServiceCard({ service: s, status }: { service: ServiceView; status: StatusReport }) {
  const ready = new Set(s.readySites ?? s.sites);
  const exportsHere = status.exports.filter(
    (e) => e.name === s.name && e.namespace === s.namespace,
  );
  const policy = status.policies?.find((p) => p.service === s.name && p.namespace === s.namespace);
  return (
    <div
      class="card service"
      data-service={`${s.name}.${s.namespace}`}
      data-ready={String(s.ready ?? true)}
    >
      <h3>
        {s.name}.{s.namespace} <span class="muted">{s.type}</span>{' '}
        {s.ready === false && <span class="badge badge-down">no ready endpoint</span>}
      </h3>
      <p class="muted">
        {s.dnsName} · ports {s.ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}
        {s.vip !== null && ` · virtual IP ${s.vip}`}
        {s.importedHere ? ' · imported here' : ''}
      </p>
      <table>
        <thead>
          <tr>
            <th>exporting site</th>
            <th>endpoints</th>
            <th>Valid</th>
            <th>Ready</th>
            <th>Conflict</th>
          </tr>
        </thead>
        <tbody>
          {s.sites.map((site) => {
            const c = s.conditions[site];
            return (
              <tr key={site} data-exporter={site} data-ready={String(ready.has(site))}>
                <td>
                  {site}
                  {site === s.winnerSite ? ' (wins conflicts)' : ''}
                </td>
                <td>
                  {ready.has(site) ? (
                    <span class="badge badge-up">ready</span>
                  ) : (
                    <span class="badge badge-down">not ready</span>
                  )}
                </td>
                <td title={c?.valid.message}>
                  {c?.valid.status ?? '–'} <span class="muted">{c?.valid.reason}</span>
                </td>
                <td title={c?.ready.message}>
                  {c?.ready.status ?? '–'} <span class="muted">{c?.ready.reason}</span>
                </td>
                <td title={c?.conflict.message}>
                  {c?.conflict.status ?? '–'} <span class="muted">{c?.conflict.reason}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {exportsHere.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>exported here</th>
              <th>backend</th>
              <th>state</th>
              <th>flows</th>
            </tr>
          </thead>
          <tbody>
            {exportsHere.map((e) => (
              <tr key={`${e.port}-${e.to}`}>
                <td>port {e.port}</td>
                <td>{e.to}</td>
                <td>
                  {e.ready ? (
                    <span class="badge badge-up">serving</span>
                  ) : (
                    <span class="badge badge-down">ejected: {e.reason}</span>
                  )}
                </td>
                <td>
                  {e.flows.active} open, {e.flows.total} total, {e.flows.failed} failed
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.endpoints.length > 0 && (
        <p>
          endpoints:{' '}
          {s.endpoints
            .map((e) => `${e.hostname}@${e.site}${e.vip === null ? '' : ` (${e.vip})`}`)
            .join(', ')}
        </p>
      )}
      <p class="policy">
        policy:{' '}
        {policy === undefined
          ? 'default (any endpoint)'
          : `locality ${policy.locality}, affinity ${policy.affinity}`}
        {policy?.siteWeights !== undefined &&
          `, weights ${Object.entries(policy.siteWeights)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`}
        {policy?.failoverPriority !== undefined &&
          `, failover by ${policy.failoverPriority.join(' > ')}`}
        {s.trafficDistribution !== null && ` · trafficDistribution ${s.trafficDistribution}`}
        {s.sessionAffinity === 'ClientIP' &&
          ` · session affinity ClientIP ${s.sessionAffinityTimeoutSeconds ?? ''}s`}
      </p>
    </div>
  );
}
