/**
 * The Content-Security-Policy nonce of this response: the server makes one per document
 * (entry.server.tsx) and Remix's own inline scripts carry it. In the browser it is unknown (the
 * browser hides nonces from the DOM) and not needed: no new inline script is added there.
 */
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
