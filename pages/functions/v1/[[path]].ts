// Every /v1/* request to the Pages origin goes to the API Worker over the service binding `API`, as is:
// method, URL, headers (cookies included), streamed body. A WebSocket upgrade (/v1/wallet/{id}/live)
// passes through the same way: the Worker's 101 response carries the socket back to the browser.
// Keeping the original URL matters: the Worker marks the session cookie `Secure` when it sees https.

type Env = { API: Fetcher };

export const onRequest: PagesFunction<Env> = ({ request, env }) => env.API.fetch(request);
