const ENTITIES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

const STYLE = `
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f8;color:#1f2329}
main{max-width:560px;margin:40px auto;padding:28px;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}
.message{white-space:pre-wrap;color:#3d4450;margin:0 0 20px}
label{display:block;font-weight:600;margin:16px 0 6px}
input,textarea,select{box-sizing:border-box;width:100%;padding:10px;border:1px solid #d0d3d9;border-radius:8px;font:inherit}
textarea{min-height:120px}
button{margin-top:20px;padding:10px 22px;border:0;border-radius:8px;background:#0089ff;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.decline{background:#f54a45}
.note{color:#8f959e;font-size:14px;margin-top:20px}
.problem{color:#f54a45;font-weight:600}
`;

/** A whole, self-contained page: no script, no outside resource. */
export function htmlPage(title: string, body: string): string {
	return (
		'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
		'<meta name="viewport" content="width=device-width,initial-scale=1">' +
		`<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
		`<body><main>${body}</main></body></html>`
	);
}
