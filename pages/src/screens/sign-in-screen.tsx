import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useSearchParams } from "react-router";
import { toApiError } from "../api/errors";
import { type Credentials, useSignIn } from "../api/hooks/auth";
import { Button } from "../components/button";
import { FormError, TextField } from "../components/field";
import { otpSchema, signInSchema } from "../lib/validation";
import { AuthLayout } from "./auth-layout";

/** The second step for an account with two-factor sign-in: the same credentials again, with `otp`. */
function OtpStep({ credentials, signIn, onBack }: { credentials: Credentials; signIn: ReturnType<typeof useSignIn>; onBack: () => void }) {
  const form = useForm({ resolver: zodResolver(otpSchema), defaultValues: { otp: "" } });
  const { errors } = form.formState;
  useEffect(() => form.setFocus("otp"), [form]);
  return (
    <form noValidate className="space-y-4" onSubmit={form.handleSubmit(({ otp }) => signIn.mutate({ ...credentials, otp }))}>
      <p className="text-sm text-slate-700">
        Two-factor sign-in is on for {credentials.email}. Enter the 6-digit code from your authenticator app.
      </p>
      <TextField
        label="Authentication code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={9}
        error={errors.otp?.message}
        {...form.register("otp")}
      />
      <FormError message={signIn.error ? toApiError(signIn.error).message : null} />
      <Button type="submit" className="w-full" loading={signIn.isPending}>
        Verify and sign in
      </Button>
      <Button variant="ghost" className="w-full" onClick={onBack}>
        Back
      </Button>
    </form>
  );
}

/** On success the session is cached and PublicOnly sends the person on to ?next=. */
export function SignInScreen() {
  const [params] = useSearchParams();
  const signIn = useSignIn();
  const [otpFor, setOtpFor] = useState<Credentials | null>(null);
  const form = useForm({ resolver: zodResolver(signInSchema), defaultValues: { email: "", password: "" } });
  const { errors } = form.formState;
  const next = params.get("next");

  return (
    <AuthLayout
      title="Sign in"
      footer={
        <>
          New here?{" "}
          <Link to={next ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up"} className="font-medium text-emerald-800 underline">
            Create an account
          </Link>
        </>
      }
    >
      {otpFor && (
        <OtpStep
          credentials={otpFor}
          signIn={signIn}
          onBack={() => {
            signIn.reset();
            setOtpFor(null);
          }}
        />
      )}
      {/* Hidden, not unmounted, during the code step: the typed credentials stay for "Back". */}
      <form
        hidden={otpFor !== null}
        noValidate
        className="space-y-4"
        onSubmit={form.handleSubmit((values) =>
          signIn.mutate(values, { onSuccess: (result) => "otpRequired" in result && setOtpFor(values) }),
        )}
      >
        <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register("email")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...form.register("password")}
        />
        <FormError message={signIn.error ? toApiError(signIn.error).message : null} />
        <Button type="submit" className="w-full" loading={signIn.isPending}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
