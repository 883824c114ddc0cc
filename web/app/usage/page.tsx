'use client';

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useConsole, useSession } from '@/components/ConsoleProvider';
import { UsageChart } from '@/components/UsageChart';
import { Denied, ErrorMessage, PageTitle, Status } from '@/components/ui';
import type { UsageReport } from '@/lib/api';

const day = (d: Date) => d.toISOString().slice(0, 10);

export default function UsagePage() {
  const session = useSession();
  const { api } = useConsole();
  const [to, setTo] = useState(() => day(new Date()));
  const [from, setFrom] = useState(() => day(new Date(Date.now() - 13 * 86_400_000)));
  const [report, setReport] = useState<UsageReport | undefined>();
  const [error, setError] = useState<unknown>();
  const isAdmin = session?.role === 'admin';

  const load = useCallback(
    async (range: { from: string; to: string }) => {
      setError(undefined);
      try {
        setReport(await api<UsageReport>('/usage', { query: range }));
      } catch (err) {
        setError(err);
      }
    },
    [api],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: load the default range once, then on submit
  useEffect(() => {
    if (isAdmin) void load({ from, to });
  }, [isAdmin, load]);

  if (!session) return <Status>Loading…</Status>;
  if (!isAdmin) {
    return <Denied title="Usage">Only tenant admins can see usage. Your role is {session.role}.</Denied>;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void load({ from, to });
  }

  async function downloadCsv() {
    setError(undefined);
    try {
      const csv = await api<string>('/usage', { query: { from, to, format: 'csv' }, text: true });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `usage-${session?.tenantId}-${from}-${to}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err);
    }
  }

  const totals = report?.days.reduce(
    (t, d) => ({ requests: t.requests + d.requests, created: t.created + d.itemsCreated }),
    { requests: 0, created: 0 },
  );

  return (
    <>
      <PageTitle>Usage</PageTitle>
      <p className="lead">Requests and stored items per day for your organization (UTC days).</p>
      <form className="form form-inline card" onSubmit={submit} aria-label="Usage period">
        <div className="field">
          <label htmlFor="usage-from">From</label>
          <input
            id="usage-from"
            type="date"
            value={from}
            max={to}
            onChange={(e) => setFrom(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="usage-to">To</label>
          <input id="usage-to" type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Show
          </button>
          <button type="button" className="button button-quiet" onClick={() => void downloadCsv()}>
            Download CSV
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {!report && !error ? <Status>Loading usage…</Status> : null}
      {report && totals ? (
        <section className="card" aria-labelledby="chart-title">
          <h2 id="chart-title">
            {report.from} to {report.to}
          </h2>
          <p className="stats">
            <span>
              <strong data-testid="total-requests">{totals.requests}</strong> requests
            </span>
            <span>
              <strong>{totals.created}</strong> items created
            </span>
            <span>
              <strong>{report.days[report.days.length - 1]?.storedItems ?? 0}</strong> items stored now
            </span>
          </p>
          <UsageChart days={report.days} titleId="chart-title" />
          <details>
            <summary>Numbers as a table</summary>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">Requests</th>
                    <th scope="col">Created</th>
                    <th scope="col">Deleted</th>
                    <th scope="col">Stored</th>
                  </tr>
                </thead>
                <tbody>
                  {report.days.map((d) => (
                    <tr key={d.date}>
                      <th scope="row">{d.date}</th>
                      <td>{d.requests}</td>
                      <td>{d.itemsCreated}</td>
                      <td>{d.itemsDeleted}</td>
                      <td>{d.storedItems}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>
      ) : null}
    </>
  );
}
