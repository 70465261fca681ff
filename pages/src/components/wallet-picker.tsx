import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { toApiError } from "../api/errors";
import { useCreateWallet, useRenameWallet } from "../api/hooks/wallet";
import type { Wallet } from "../api/types";
import { formatMoney } from "../lib/money";
import { newWalletSchema, renameWalletSchema } from "../lib/validation";
import { canCreateWallet, WALLET_LIMIT } from "../lib/wallets";
import { useActiveWallet } from "./active-wallet";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { FormError, SelectField, TextField } from "./field";
import { applyApiFieldErrors } from "./form-errors";

/** A refusal the fields did not take (WALLET_LIMIT, a network error), for the dialog's own alert. */
function formLevelError(error: unknown, appliedToField: boolean): string | null {
  if (appliedToField) return null;
  const apiError = toApiError(error);
  if (apiError.code === "WALLET_LIMIT") return `You already have ${WALLET_LIMIT} wallets, the most one person can have.`;
  return apiError.message;
}

type CreateMutation = ReturnType<typeof useCreateWallet>;
type RenameMutation = ReturnType<typeof useRenameWallet>;

function NewWalletForm({ formId, create, onCreated }: { formId: string; create: CreateMutation; onCreated: (wallet: Wallet) => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(newWalletSchema), defaultValues: { name: "" } });
  const onSubmit = form.handleSubmit(({ name }) => {
    setProblem(null);
    create.mutate(
      { currency: "USD", ...(name ? { name } : {}) },
      {
        onSuccess: onCreated,
        onError: (error) => setProblem(formLevelError(error, applyApiFieldErrors(error, form.setError, ["name"]))),
      },
    );
  });
  return (
    <form id={formId} noValidate className="space-y-3" onSubmit={onSubmit}>
      <p>A new US dollar wallet starts at $0.00. Its history, payments, loans and goals are its own.</p>
      <TextField
        label="Name (optional)"
        hint="Leave it blank to call it “Main”."
        maxLength={50}
        autoComplete="off"
        error={form.formState.errors.name?.message}
        {...form.register("name")}
      />
      <FormError message={problem} />
    </form>
  );
}

function RenameWalletForm({
  formId,
  wallet,
  rename,
  onRenamed,
}: {
  formId: string;
  wallet: Wallet;
  rename: RenameMutation;
  onRenamed: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(renameWalletSchema), defaultValues: { name: wallet.name } });
  const onSubmit = form.handleSubmit(({ name }) => {
    setProblem(null);
    rename.mutate(
      { walletId: wallet.wallet_id, name },
      {
        onSuccess: onRenamed,
        onError: (error) => setProblem(formLevelError(error, applyApiFieldErrors(error, form.setError, ["name"]))),
      },
    );
  });
  return (
    <form id={formId} noValidate className="space-y-3" onSubmit={onSubmit}>
      <TextField label="Name" maxLength={50} autoComplete="off" error={form.formState.errors.name?.message} {...form.register("name")} />
      <FormError message={problem} />
    </form>
  );
}

/**
 * Which wallet the screen acts on, with "New wallet" and "Rename". The choice is remembered (see
 * ActiveWalletProvider) and every wallet-scoped query is keyed by the chosen wallet's id.
 */
export function WalletPicker() {
  const { wallets, wallet, select } = useActiveWallet();
  const [dialog, setDialog] = useState<"new" | "rename" | null>(null);
  const formId = useId();
  const limitId = useId();
  const create = useCreateWallet({ inlineFailure: true });
  const rename = useRenameWallet();
  if (!wallets || !wallet) return null;
  const atLimit = !canCreateWallet(wallets);
  const close = () => setDialog(null);
  const held = wallet.held_balance !== "0.00";

  return (
    <section
      aria-label="Choose a wallet"
      className="mb-6 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4"
      data-testid="wallet-picker"
    >
      <div className="flex flex-wrap items-end gap-2 sm:gap-3">
        <SelectField
          label="Wallet"
          value={wallet.wallet_id}
          onChange={(event) => select(event.target.value)}
          wrapperClassName="min-w-0 basis-full sm:basis-auto sm:w-80"
          className="truncate"
        >
          {wallets.map((w) => (
            <option key={w.wallet_id} value={w.wallet_id}>
              {w.name} · {formatMoney(w.available_balance, { currency: w.currency })}
            </option>
          ))}
        </SelectField>
        <Button variant="secondary" size="sm" onClick={() => setDialog("rename")} aria-label={`Rename wallet ${wallet.name}`}>
          Rename
        </Button>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setDialog("new")}
          disabled={atLimit}
          aria-describedby={atLimit ? limitId : undefined}
        >
          New wallet
        </Button>
      </div>
      {/* The options show what each wallet can spend; while holds reserve money, say how much. */}
      {held && (
        <p className="mt-2 text-sm text-slate-600" data-testid="wallet-held">
          {formatMoney(wallet.held_balance, { currency: wallet.currency })} of this wallet is on hold
        </p>
      )}
      {atLimit && (
        <p id={limitId} className="mt-1 text-sm text-slate-600">
          You have {WALLET_LIMIT} wallets, the most one person can have, so you cannot open another.
        </p>
      )}

      <Dialog
        open={dialog === "new"}
        title="New wallet"
        onClose={close}
        footer={
          <>
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" form={formId} loading={create.isPending}>
              Create wallet
            </Button>
          </>
        }
      >
        {dialog === "new" && (
          <NewWalletForm
            formId={formId}
            create={create}
            onCreated={(created) => {
              select(created.wallet_id);
              close();
            }}
          />
        )}
      </Dialog>
      <Dialog
        open={dialog === "rename"}
        title={`Rename “${wallet.name}”`}
        onClose={close}
        footer={
          <>
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" form={formId} loading={rename.isPending}>
              Save name
            </Button>
          </>
        }
      >
        {dialog === "rename" && <RenameWalletForm formId={formId} wallet={wallet} rename={rename} onRenamed={close} />}
      </Dialog>
    </section>
  );
}
