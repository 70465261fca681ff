import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { Link, useSearchParams } from "react-router";
import { toApiError } from "../api/errors";
import { useSignIn } from "../api/hooks/auth";
import { Button } from "../components/button";
import { FormError, TextField } from "../components/field";
import { signInSchema } from "../lib/validation";
import { AuthLayout } from "./auth-layout";

/** On success the session is cached and PublicOnly sends the person on to ?next=. */
export function SignInScreen() {
  const [params] = useSearchParams();
  const signIn = useSignIn();
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
      <form noValidate className="space-y-4" onSubmit={form.handleSubmit((values) => signIn.mutate(values))}>
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
