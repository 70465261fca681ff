import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { Link, useSearchParams } from "react-router";
import { toApiError } from "../api/errors";
import { useSignUp } from "../api/hooks/auth";
import { Button } from "../components/button";
import { FormError, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { PASSWORD_MAX, PASSWORD_MIN, signUpSchema } from "../lib/validation";
import { AuthLayout } from "./auth-layout";

export function SignUpScreen() {
  const [params] = useSearchParams();
  const signUp = useSignUp();
  const form = useForm({ resolver: zodResolver(signUpSchema), defaultValues: { email: "", password: "", name: "" } });
  const { errors } = form.formState;
  const next = params.get("next");

  const onSubmit = form.handleSubmit((values) =>
    signUp.mutate(values, {
      onError: (error) => {
        if (toApiError(error).code === "EMAIL_TAKEN") {
          form.setError("email", { type: "server", message: "An account with this email already exists" });
        } else {
          applyApiFieldErrors(error, form.setError, ["email", "password", "name"]);
        }
      },
    }),
  );

  return (
    <AuthLayout
      title="Create your account"
      footer={
        <>
          Already have an account?{" "}
          <Link to={next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in"} className="font-medium text-emerald-800 underline">
            Sign in
          </Link>
        </>
      }
    >
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        <TextField label="Name (optional)" autoComplete="name" error={errors.name?.message} {...form.register("name")} />
        <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register("email")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters`}
          error={errors.password?.message}
          {...form.register("password")}
        />
        <FormError message={signUp.error && toApiError(signUp.error).code !== "EMAIL_TAKEN" ? toApiError(signUp.error).message : null} />
        <Button type="submit" className="w-full" loading={signUp.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
