import { type ReactNode, useEffect, useRef } from 'react';

/**
 * The page's h1. It takes focus when the page opens, so keyboard and screen-reader users start at the
 * new page after a client-side navigation, and it sets the document title — never to personal data,
 * since titles end up in the browser's history.
 */
export function PageHeading({ title, id, children }: { title: string; id?: string; children?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Custodian`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} className="page-heading">
      {children ?? title}
    </h1>
  );
}
