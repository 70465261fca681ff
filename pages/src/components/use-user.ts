import { useOutletContext } from "react-router";
import type { User } from "../api/types";

/** The signed-in user, inside the app layout. */
export function useUser(): User {
  return useOutletContext<User>();
}
