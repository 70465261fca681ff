import { zodResolver } from "@hookform/resolvers/zod";
import { type ReactNode, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { ApiError, toApiError } from "../api/errors";
import {
  useChangePassword,
  useDisableTwoFactor,
  useEnableTwoFactor,
  useRevokeOtherSessions,
  useRevokeSession,
  useSessions,
  useSetupTwoFactor,
} from "../api/hooks/account";
import type { Session, TwoFactorSetup } from "../api/types";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, QueryState } from "../components/feedback";
import { FormError, TextField } from "../components/field";
import { useUser } from "../components/use-user";
import { describeUserAgent, fieldSentence, groupSecret } from "../lib/account";
import { formatDateTime } from "../lib/format";
import { qrPath } from "../lib/qr";
import { changePasswordSchema, otpSchema, PASSWORD_MAX, PASSWORD_MIN } from "../lib/validation";

const PASSWORD_LABELS = { current_password: "Current password", new_password: "New password" } as const;

function ChangePasswordCard({ email }: { email: string }) {
  const change = useChangePassword();
  const [changed, setChanged] = useState(false);
  const form = useForm({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { current_password: "", new_password: "", confirm_password: "" },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(({ current_password, new_password }) => {
    setChanged(false);
    change.mutate(
      { current_password, new_password },
      {
        onSuccess: () => {
          form.reset();
          setChanged(true);
        },
        onError: (error) => {
          if (!(error instanceof ApiError) || error.code !== "VALIDATION_ERROR") return;
          for (const detail of error.details) {
            const field = detail.path.replace(/^body\./, "");
            if (field === "current_password" || field === "new_password") {
              form.setError(field, { type: "server", message: fieldSentence(PASSWORD_LABELS[field], detail.message) });
            }
          }
        },
      },
    );
  });
  const apiError = change.error ? toApiError(change.error) : null;
  const fieldError = apiError?.code === "VALIDATION_ERROR" && apiError.details.length > 0;

  return (
    <Card title="Change password" description="Changing it signs you out on every other device.">
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        {/* For password managers: which account this password belongs to. */}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={errors.current_password?.message}
          {...form.register("current_password")}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters; a common or easily guessed password is refused`}
          error={errors.new_password?.message}
          {...form.register("new_password")}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          error={errors.confirm_password?.message}
          {...form.register("confirm_password")}
        />
        <FormError message={apiError && !fieldError ? apiError.message : null} />
        {changed && (
          <p role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            Password changed. Every other session was signed out; this device stays signed in.
          </p>
        )}
        <Button type="submit" loading={change.isPending}>
          Change password
        </Button>
      </form>
    </Card>
  );
}

function SessionRow({ session }: { session: Session }) {
  const revoke = useRevokeSession();
  const device = describeUserAgent(session.user_agent);
  return (
    <li data-testid="session-row" data-current={session.current} className="flex flex-wrap items-center justify-between gap-3 py-3">
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
          <span className="break-words">{device}</span>
          {session.current && (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 ring-1 ring-inset ring-emerald-300">
              This device
            </span>
          )}
        </p>
        <p className="mt-0.5 text-sm text-slate-600">
          Signed in {formatDateTime(session.created_at)} · Last active {formatDateTime(session.last_seen_at)}
        </p>
      </div>
      {!session.current && (
        <Button
          variant="ghost-danger"
          size="sm"
          loading={revoke.isPending}
          onClick={() => revoke.mutate(session.session_id)}
          aria-label={`Sign out ${device}, signed in ${formatDateTime(session.created_at)}`}
        >
          Sign out
        </Button>
      )}
    </li>
  );
}

function SessionsCard() {
  const sessions = useSessions();
  const revokeOthers = useRevokeOtherSessions();
  const confirm = useConfirm();
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;

  const onRevokeOthers = async () => {
    const ok = await confirm({
      title: "Sign out everywhere else?",
      body: `${others === 1 ? "1 other session" : `${others} other sessions`} will be signed out at once. This device stays signed in.`,
      confirmLabel: "Sign out everywhere else",
      tone: "danger",
    });
    if (ok) revokeOthers.mutate();
  };

  return (
    <Card
      title="Where you're signed in"
      description="This device first, then the others, newest first."
      actions={
        <Button
          variant="secondary"
          size="sm"
          disabled={others === 0}
          loading={revokeOthers.isPending}
          onClick={() => void onRevokeOthers()}
        >
          Sign out everywhere else
        </Button>
      }
      className="lg:col-span-2"
    >
      <QueryState
        query={sessions}
        errorTitle="Could not load your sessions"
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title="No active sessions">Sign in again to see your sessions here.</EmptyState>}
      >
        {(list) => (
          <>
            <ul className="divide-y divide-slate-200" aria-label="Sessions">
              {[...list]
                .sort((a, b) => Number(b.current) - Number(a.current))
                .map((session) => (
                  <SessionRow key={session.session_id} session={session} />
                ))}
            </ul>
            {others === 0 && <p className="mt-2 text-sm text-slate-600">You are not signed in anywhere else.</p>}
          </>
        )}
      </QueryState>
    </Card>
  );
}

function QrCode({ text }: { text: string }) {
  const { size, path } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      role="img"
      aria-label="QR code to add this account to an authenticator app"
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
      className="size-48 rounded-lg border border-slate-200"
      data-testid="otp-qr"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/** One 6-digit code field and its submit button, for turning two-factor sign-in on or off. */
function CodeForm({
  label,
  submitLabel,
  tone,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  label: string;
  submitLabel: string;
  tone: "primary" | "danger";
  pending: boolean;
  error: unknown;
  onSubmit: (otp: string) => void;
  onCancel: () => void;
}) {
  const form = useForm({ resolver: zodResolver(otpSchema), defaultValues: { otp: "" } });
  const apiError = error ? toApiError(error) : null;
  const message =
    form.formState.errors.otp?.message ??
    (apiError?.code === "VALIDATION_ERROR" ? `${apiError.message}. Enter the current code.` : undefined);
  return (
    <form noValidate className="space-y-3" onSubmit={form.handleSubmit(({ otp }) => onSubmit(otp))}>
      <TextField
        label={label}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={9}
        wrapperClassName="max-w-48"
        error={message}
        {...form.register("otp")}
      />
      <FormError message={apiError && apiError.code !== "VALIDATION_ERROR" ? apiError.message : null} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant={tone} loading={pending}>
          {submitLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function EnableTwoFactor({ setup, onDone }: { setup: TwoFactorSetup; onDone: () => void }) {
  const enable = useEnableTwoFactor();
  return (
    <ol className="space-y-5">
      <li>
        <p className="mb-2 text-sm font-medium text-slate-900">1. Scan this code with your authenticator app</p>
        <QrCode text={setup.otpauth_url} />
        <p className="mt-3 text-sm text-slate-700">Can't scan it? Enter this key in the app instead:</p>
        <code
          data-testid="otp-secret"
          className="mt-1 inline-block break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900"
        >
          {groupSecret(setup.secret)}
        </code>
      </li>
      <li>
        <p className="mb-2 text-sm font-medium text-slate-900">2. Enter the 6-digit code the app shows</p>
        <CodeForm
          label="Code from the app"
          submitLabel="Turn on"
          tone="primary"
          pending={enable.isPending}
          error={enable.error}
          onSubmit={(otp) => enable.mutate(otp, { onSuccess: onDone })}
          onCancel={onDone}
        />
      </li>
    </ol>
  );
}

function TwoFactorCard({ on }: { on: boolean }) {
  const setup = useSetupTwoFactor();
  const disable = useDisableTwoFactor();
  const [turningOff, setTurningOff] = useState(false);
  const [pending, setPending] = useState<TwoFactorSetup | null>(null);

  const status = (
    <span
      data-testid="two-factor-status"
      data-on={on}
      className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        on ? "bg-emerald-100 text-emerald-900 ring-emerald-300" : "bg-slate-100 text-slate-800 ring-slate-300"
      }`}
    >
      {on ? "On" : "Off"}
    </span>
  );

  let content: ReactNode;
  if (on && turningOff) {
    content = (
      <CodeForm
        label="Code from your authenticator app"
        submitLabel="Turn off"
        tone="danger"
        pending={disable.isPending}
        error={disable.error}
        onSubmit={(otp) => disable.mutate(otp, { onSuccess: () => setTurningOff(false) })}
        onCancel={() => {
          disable.reset();
          setTurningOff(false);
        }}
      />
    );
  } else if (on) {
    content = (
      <div className="space-y-3">
        <p className="text-sm text-slate-700">Signing in asks for your password and a code from your authenticator app.</p>
        <Button variant="secondary" onClick={() => setTurningOff(true)}>
          Turn off
        </Button>
      </div>
    );
  } else if (pending) {
    content = <EnableTwoFactor setup={pending} onDone={() => setPending(null)} />;
  } else {
    content = (
      <div className="space-y-3">
        <p className="text-sm text-slate-700">
          Ask for a code from an authenticator app (such as Google Authenticator, 1Password or Aegis) as well as your password when you sign
          in.
        </p>
        <FormError message={setup.error ? toApiError(setup.error).message : null} />
        <Button loading={setup.isPending} onClick={() => setup.mutate(undefined, { onSuccess: setPending })}>
          Turn on
        </Button>
      </div>
    );
  }

  return (
    <Card title="Two-factor sign-in" actions={status}>
      {content}
    </Card>
  );
}

export function SettingsScreen() {
  const user = useUser();
  return (
    <>
      <PageHeader title="Settings" description={`Security of your account, ${user.email}.`} />
      <div className="grid gap-6 lg:grid-cols-2 lg:items-start">
        <ChangePasswordCard email={user.email} />
        <TwoFactorCard on={user.two_factor} />
        <SessionsCard />
      </div>
    </>
  );
}
