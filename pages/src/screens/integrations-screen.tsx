import { type FormEvent, useState } from "react";
import {
  type ApiKeyScope,
  type BusinessEventType,
  useApiKeys,
  useCreateApiKey,
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useRetryDelivery,
  useRevokeApiKey,
  useWebhooks,
} from "../api/hooks/integrations";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { FormError, TextField } from "../components/field";
import { formatDateTime } from "../lib/format";

const SCOPES: ApiKeyScope[] = ["read", "payments", "transfers", "wallets", "loans", "webhooks"];
const EVENT_TYPES: BusinessEventType[] = [
  "payment.succeeded",
  "payment.failed",
  "transfer.sent",
  "transfer.received",
  "loan.approved",
  "loan.disbursed",
  "loan.repayment_succeeded",
  "loan.repayment_failed",
];

function ShownOnce({ label, secret }: { label: string; secret: string }) {
  return (
    <div role="status" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium text-amber-900">{label}: copy it now, it is not shown again.</p>
      <code data-testid="shown-once-secret" className="mt-1 block break-all font-mono text-slate-900">
        {secret}
      </code>
    </div>
  );
}

function Checkboxes<T extends string>({
  legend,
  options,
  value,
  onChange,
}: {
  legend: string;
  options: T[];
  value: T[];
  onChange: (v: T[]) => void;
}) {
  return (
    <fieldset className="text-sm">
      <legend className="mb-1 font-medium text-slate-800">{legend}</legend>
      <div className="flex flex-wrap gap-3">
        {options.map((option) => (
          <label key={option} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={value.includes(option)}
              onChange={(e) => onChange(e.target.checked ? [...value, option] : value.filter((v) => v !== option))}
            />
            {option}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ApiKeysCard() {
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["read"]);
  const [secret, setSecret] = useState<string | null>(null);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name, scopes },
      {
        onSuccess: (created) => {
          setSecret(created.secret);
          setName("");
        },
      },
    );
  };
  return (
    <Card title="API keys" description="For your own servers: a key acts as you, limited to its scopes, and never reaches admin routes.">
      {secret && <ShownOnce label="New API key" secret={secret} />}
      <form onSubmit={onSubmit} className="mb-4 space-y-3">
        <TextField label="Key name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        <Checkboxes legend="Scopes" options={SCOPES} value={scopes} onChange={setScopes} />
        <FormError message={create.error?.message} />
        <Button type="submit" loading={create.isPending} disabled={name.trim() === "" || scopes.length === 0}>
          Create key
        </Button>
      </form>
      <ul className="divide-y divide-slate-200 text-sm">
        {keys.data?.map((key) => (
          <li key={key.api_key_id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              <span className="font-medium">{key.name}</span> <code className="text-slate-600">{key.prefix}…</code>{" "}
              <span className="text-slate-600">{key.scopes.join(", ")}</span>
            </span>
            {key.revoked_at ? (
              <span className="text-slate-500">revoked {formatDateTime(key.revoked_at)}</span>
            ) : (
              <Button variant="ghost" size="sm" onClick={() => revoke.mutate(key.api_key_id)}>
                Revoke {key.name}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const deliveries = useDeliveries(webhookId);
  const retry = useRetryDelivery(webhookId);
  if (!deliveries.data?.length) return <p className="text-sm text-slate-600">No deliveries yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr className="text-slate-600">
          <th className="py-1 font-medium">Event</th>
          <th className="py-1 font-medium">Status</th>
          <th className="py-1 font-medium">Attempts</th>
          <th className="py-1 font-medium">Last answer</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {deliveries.data.map((d) => (
          <tr key={d.delivery_id} className="border-t border-slate-100">
            <td className="py-1 font-mono text-xs">{d.event_id.slice(0, 8)}</td>
            <td className="py-1">{d.status}</td>
            <td className="py-1">{d.attempt}</td>
            <td className="py-1">{d.error ?? d.status_code ?? "—"}</td>
            <td className="py-1 text-right">
              {d.status !== "PENDING" && (
                <Button variant="ghost" size="sm" onClick={() => retry.mutate(d.delivery_id)}>
                  Retry
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WebhooksCard() {
  const webhooks = useWebhooks();
  const create = useCreateWebhook();
  const remove = useDeleteWebhook();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<BusinessEventType[]>(["payment.succeeded", "payment.failed"]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { url, events },
      {
        onSuccess: (created) => {
          setSecret(created.secret);
          setUrl("");
        },
      },
    );
  };
  return (
    <Card title="Webhooks" description="Signed (Standard Webhooks) POSTs of your events to an https URL, retried with backoff.">
      {secret && <ShownOnce label="Signing secret" secret={secret} />}
      <form onSubmit={onSubmit} className="mb-4 space-y-3">
        <TextField
          label="Endpoint URL"
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
          placeholder="https://example.com/hooks"
        />
        <Checkboxes legend="Events" options={EVENT_TYPES} value={events} onChange={setEvents} />
        <FormError message={create.error?.message} />
        <Button type="submit" loading={create.isPending} disabled={url === "" || events.length === 0}>
          Add endpoint
        </Button>
      </form>
      <ul className="space-y-3 text-sm">
        {webhooks.data?.map((w) => (
          <li key={w.webhook_id} className="rounded-lg border border-slate-200 p-3">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="break-all font-medium">{w.url}</span>
              <span className="flex gap-1">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-expanded={open === w.webhook_id}
                  onClick={() => setOpen(open === w.webhook_id ? null : w.webhook_id)}
                >
                  Deliveries
                </Button>
                <Button variant="ghost" size="sm" onClick={() => remove.mutate(w.webhook_id)}>
                  Remove
                </Button>
              </span>
            </div>
            <p className="text-slate-600">{w.events.join(", ")}</p>
            {open === w.webhook_id && <Deliveries webhookId={w.webhook_id} />}
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function IntegrationsScreen() {
  return (
    <>
      <PageHeader title="Integrations" description="API keys and webhooks for your own software." />
      <div className="grid gap-6">
        <ApiKeysCard />
        <WebhooksCard />
      </div>
    </>
  );
}
