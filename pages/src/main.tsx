import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Toaster } from "react-hot-toast";
import { RouterProvider } from "react-router/dom";
import { createQueryClient } from "./api/query-client";
import { ConfirmProvider } from "./components/confirm";
import { createRouter } from "./router";
import "./index.css";

const queryClient = createQueryClient();
const router = createRouter();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ConfirmProvider>
        <RouterProvider router={router} />
      </ConfirmProvider>
      <Toaster
        position="top-right"
        toastOptions={{
          duration: 5000,
          className: "text-sm",
          success: { duration: 4000 },
          error: { duration: 7000 },
        }}
      />
    </QueryClientProvider>
  </StrictMode>,
);
