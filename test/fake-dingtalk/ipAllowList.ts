import { isIPv4 } from 'node:net';

/** Unwraps `::ffff:1.2.3.4` (how Node reports IPv4 callers on a dual-stack socket). */
export function normalizeRemoteAddress(address: string | undefined): string {
	if (!address) return '';
	return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** DingTalk's IP whitelist holds IPv4 addresses and IPv4 CIDR ranges. */
export function isIpAllowed(ip: string, allowList: string[]): boolean {
	return allowList.some((entry) => matchesEntry(ip, entry.trim()));
}

function matchesEntry(ip: string, entry: string): boolean {
	const [range, bitsText] = entry.split('/');
	if (bitsText === undefined) return ip === range;
	const bits = Number(bitsText);
	if (!isIPv4(ip) || !isIPv4(range) || !Number.isInteger(bits) || bits < 0 || bits > 32)
		return false;
	const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
	return (toNumber(ip) & mask) >>> 0 === (toNumber(range) & mask) >>> 0;
}

function toNumber(ip: string): number {
	return ip.split('.').reduce((value, octet) => ((value << 8) | Number(octet)) >>> 0, 0);
}
