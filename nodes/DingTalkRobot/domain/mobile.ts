/**
 * A mobile number as DingTalk's contacts store it: digits only, mainland China numbers without
 * the country code (+86 or 0086), other numbers as entered.
 */
export function normalizeMobile(value: string): string {
	const compact = value.trim().replace(/[\s\-()]/g, '');
	const mainland = /^(?:\+86|0086)(1\d{10})$/.exec(compact);
	return mainland ? mainland[1] : compact;
}
