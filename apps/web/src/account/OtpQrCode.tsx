import { useQuery } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { LoadError, Loading } from '../ui/errors.js';

/**
 * The otpauth link as a QR code for an authenticator app to scan, drawn in the browser (the secret never
 * leaves the page for this) as an SVG image. The link is kept in memory only, never in a cache that outlives it.
 */
export function OtpQrCode({ uri }: { uri: string }) {
  const svg = useQuery({
    queryKey: ['otp-qr', uri],
    queryFn: () => QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }),
    gcTime: 0,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (svg.isPending) return <Loading what="the QR code" />;
  if (svg.isError) return <LoadError error={svg.error} />;
  return (
    <img
      className="otp-qr"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.data)}`}
      alt="QR code to add this account to your authenticator app"
      width={192}
      height={192}
    />
  );
}
