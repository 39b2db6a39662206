/*
 * <quota-usage token="qe_…"> — Quota's usage widget for any page (issue 18.3). One classic script,
 * no framework: a custom element in a shadow root, themed with CSS custom properties (--quota-*),
 * numbers and dates in the page's language. It reads one account with an embed token that the host
 * site's backend makes (POST /api/v1/embed-tokens); the token only ever travels in the
 * Authorization header, also for live updates (a fetch stream, not EventSource, which cannot send
 * headers). Live while visible: the stream runs only while the element is on screen and the tab is
 * shown. An expired or revoked token clears every figure and says so, and fires `quota-usage-expired`
 * so the host can set a fresh `token`.
 */
(() => {
	if (!window.customElements || customElements.get('quota-usage')) return;
	const script = document.currentScript;
	const SCRIPT_ORIGIN = script && script.src ? new URL(script.src).origin : location.origin;
	const PARTS = ['balance', 'allowances', 'models', 'usage', 'purchases', 'buy'];

	/** Texts per language; numbers and dates come from Intl in the same language. */
	const TEXTS = {
		en: {
			title: 'Your tokens', pool: '{0} pool', available: 'tokens available', unlimited: 'Unlimited', held: 'held', today: 'used today', month: 'used this month',
			allowances: 'Free allowances', left: '{0} of {1} left', resets: 'Resets {0}', noReset: 'Does not reset', off: 'Not available', models: 'Allocations',
			model: 'Model', general: 'General balance', remaining: 'Left', expires: 'Expires', never: 'Never', exp: ['{0} expire {1}', '{0} never expire'], usage: 'Recent use', date: 'Date',
			feature: 'Feature', tokens: 'Tokens', unit: ['token', 'tokens'], purchases: 'Purchases', product: 'Package', amount: 'Amount', status: 'Status', none: 'Nothing yet.',
			buy: 'Buy tokens', loading: 'Loading your usage…', expired: 'This usage view has expired. Reload the page to see your latest figures.',
			revoked: 'This usage view is no longer available.', invalid: 'This usage view could not be opened.', offline: 'Could not reach Quota; trying again…',
			not_member: 'This member is no longer in the team.',
			live: 'Live', zone: '{0} time ({1})', low: 'Running low', empty: 'No tokens left', yet: 'No tokens yet', um: ['+ {0} unlimited model', '+ {0} unlimited models', 'all models unlimited'],
			s: { completed: 'Completed', refunded: 'Refunded', charged_back: 'Charged back', partially_refunded: 'Partly refunded' }
		},
		de: {
			title: 'Ihre Tokens', pool: 'Pool von {0}', available: 'Tokens verfügbar', unlimited: 'Unbegrenzt', held: 'reserviert', today: 'heute verbraucht', month: 'diesen Monat verbraucht',
			allowances: 'Freikontingente', left: '{0} von {1} übrig', resets: 'Neu ab {0}', noReset: 'Wird nicht zurückgesetzt', off: 'Nicht verfügbar', models: 'Zuteilungen',
			model: 'Modell', general: 'Allgemeines Guthaben', remaining: 'Übrig', expires: 'Läuft ab', never: 'Nie', exp: ['{0} laufen am {1} ab', '{0} laufen nie ab'], usage: 'Letzte Nutzung', date: 'Datum',
			feature: 'Funktion', tokens: 'Tokens', unit: ['Token', 'Tokens'], purchases: 'Käufe', product: 'Paket', amount: 'Betrag', status: 'Status', none: 'Noch nichts.',
			buy: 'Tokens kaufen', loading: 'Nutzung wird geladen…', expired: 'Diese Ansicht ist abgelaufen. Laden Sie die Seite neu, um aktuelle Zahlen zu sehen.',
			revoked: 'Diese Ansicht ist nicht mehr verfügbar.', invalid: 'Diese Ansicht konnte nicht geöffnet werden.', offline: 'Quota ist nicht erreichbar; neuer Versuch…',
			not_member: 'Dieses Mitglied ist nicht mehr im Team.',
			live: 'Live', zone: 'Ortszeit {0} ({1})', low: 'Fast aufgebraucht', empty: 'Keine Tokens mehr', yet: 'Noch keine Tokens', um: ['+ {0} unbegrenztes Modell', '+ {0} unbegrenzte Modelle', 'alle Modelle unbegrenzt'],
			s: { completed: 'Abgeschlossen', refunded: 'Erstattet', charged_back: 'Rückbuchung', partially_refunded: 'Teilweise erstattet' }
		},
		fr: {
			title: 'Vos jetons', pool: 'Réserve de {0}', available: 'jetons disponibles', unlimited: 'Illimité', held: 'réservés', today: "utilisés aujourd'hui", month: 'utilisés ce mois-ci',
			allowances: 'Quotas gratuits', left: '{0} sur {1} restants', resets: 'Renouvelé {0}', noReset: "Pas de renouvellement", off: 'Non disponible', models: 'Allocations',
			model: 'Modèle', general: 'Solde général', remaining: 'Restant', expires: 'Expire', never: 'Jamais', exp: ['{0} expirent le {1}', "{0} n'expirent jamais"], usage: 'Utilisation récente', date: 'Date',
			feature: 'Fonction', tokens: 'Jetons', unit: ['jeton', 'jetons'], purchases: 'Achats', product: 'Offre', amount: 'Montant', status: 'Statut', none: 'Rien pour le moment.',
			buy: 'Acheter des jetons', loading: 'Chargement…', expired: 'Cette vue a expiré. Rechargez la page pour voir vos derniers chiffres.',
			revoked: "Cette vue n'est plus disponible.", invalid: "Cette vue n'a pas pu être ouverte.", offline: 'Quota est injoignable ; nouvel essai…',
			not_member: "Ce membre ne fait plus partie de l'équipe.",
			live: 'En direct', zone: 'heure de {0} ({1})', low: 'Bientôt épuisé', empty: 'Plus de jetons', yet: 'Pas encore de jetons', um: ['+ {0} modèle illimité', '+ {0} modèles illimités', 'tous les modèles illimités'],
			s: { completed: 'Terminé', refunded: 'Remboursé', charged_back: 'Rétrofacturé', partially_refunded: 'Remboursé en partie' }
		},
		es: {
			title: 'Tus tokens', pool: 'Fondo de {0}', available: 'tokens disponibles', unlimited: 'Ilimitado', held: 'reservados', today: 'usados hoy', month: 'usados este mes',
			allowances: 'Cupos gratuitos', left: 'Quedan {0} de {1}', resets: 'Se renueva {0}', noReset: 'No se renueva', off: 'No disponible', models: 'Asignaciones',
			model: 'Modelo', general: 'Saldo general', remaining: 'Quedan', expires: 'Caduca', never: 'Nunca', exp: ['{0} caducan el {1}', '{0} no caducan'], usage: 'Uso reciente', date: 'Fecha',
			feature: 'Función', tokens: 'Tokens', unit: ['token', 'tokens'], purchases: 'Compras', product: 'Paquete', amount: 'Importe', status: 'Estado', none: 'Nada todavía.',
			buy: 'Comprar tokens', loading: 'Cargando tu uso…', expired: 'Esta vista ha caducado. Recarga la página para ver tus cifras.',
			revoked: 'Esta vista ya no está disponible.', invalid: 'No se pudo abrir esta vista.', offline: 'No se puede conectar con Quota; reintentando…',
			not_member: 'Este miembro ya no está en el equipo.',
			live: 'En directo', zone: 'hora de {0} ({1})', low: 'Quedan pocos', empty: 'Sin tokens', yet: 'Aún no hay tokens', um: ['+ {0} modelo ilimitado', '+ {0} modelos ilimitados', 'todos los modelos ilimitados'],
			s: { completed: 'Completado', refunded: 'Reembolsado', charged_back: 'Contracargo', partially_refunded: 'Reembolso parcial' }
		}
	};

	const CSS = `
:host{display:block;font:var(--quota-font,14px/1.45 system-ui,sans-serif);color:var(--quota-fg,#1c1f24);--a:var(--quota-accent,#2f5bd3);--m:var(--quota-muted,#5b6270);--l:var(--quota-line,#dde1e8)}
:host([hidden]){display:none}
.card{background:var(--quota-bg,#fff);border:1px solid var(--l);border-radius:var(--quota-radius,12px);padding:var(--quota-padding,16px);max-width:100%;box-sizing:border-box}
h2{font-size:1.05em;margin:0 0 .5em;display:flex;justify-content:space-between;gap:.5em;align-items:baseline}
h3{font-size:.95em;margin:1.1em 0 .4em}
.live{font-size:.75em;font-weight:500;color:var(--m)}.live::before{content:"";display:inline-block;width:.55em;height:.55em;border-radius:50%;background:var(--quota-good,#1a7f45);margin-right:.35em}
.big{font-size:1.9em;font-weight:650;margin:0;font-variant-numeric:tabular-nums}.big small{font-size:.45em;font-weight:500;color:var(--m);margin-left:.3em}
.sub,.note,td small{color:var(--m);font-size:.85em;margin:.2em 0 0}
.low .big{color:var(--quota-warn,#9a5b00)}.empty .big{color:var(--quota-bad,#b3261e)}
ul{list-style:none;margin:0;padding:0}li{margin:.55em 0}
.row{display:flex;justify-content:space-between;gap:.75em;flex-wrap:wrap}
.bar{height:6px;border-radius:3px;background:var(--l);overflow:hidden;margin-top:.25em}.bar i{display:block;height:100%;background:var(--a)}
.scroll{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.9em}
th,td{text-align:left;padding:.35em .5em .35em 0;border-bottom:1px solid var(--l);vertical-align:top}th{font-weight:600;color:var(--m);font-size:.85em}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;padding-right:0}
.buy{display:inline-block;margin-top:1em;padding:.6em 1em;border-radius:var(--quota-radius,12px);background:var(--a);color:var(--quota-on-accent,#fff);text-decoration:none;font-weight:600}
.buy:focus-visible{outline:3px solid var(--quota-fg,#1c1f24);outline-offset:2px}
.state{margin:0;color:var(--m)}.state.bad{color:var(--quota-bad,#b3261e)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;

	const esc = (v) => String(v).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
	const fill = (text, ...args) => text.replace(/\{(\d)\}/g, (_, i) => args[i]);
	// A team's pool, the language's "{0} pool" for the team: a name ending in the word "pool" is not
	// said twice ("Acme Pool", not "Acme Pool pool"), as the app's lib/pool-name.ts (held alike in tests).
	const poolTitle = (w, team) => fill(w, team).replace(/\b(pool) pool$/i, '$1');
	// The device's zone as the app names one (src/lib/zone-name.ts; tests/unit/widget-words.test.ts holds
	// them alike): "Berlin time (UTC+1)", `w` the language's "{0} time ({1})"; cities by today's names.
	const RENAMED = { Asmera: 'Asmara', Calcutta: 'Kolkata', Enderbury: 'Kanton', Faeroe: 'Faroe', Godthab: 'Nuuk', Katmandu: 'Kathmandu', Kiev: 'Kyiv', Ponape: 'Pohnpei', Rangoon: 'Yangon', Saigon: 'Ho Chi Minh', Truk: 'Chuuk' };
	const zoneName = (z, at, w) => {
		const o = ('UTC' + (new Intl.DateTimeFormat('en-US', { timeZone: z, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type == 'timeZoneName').value.slice(3) || '+0')).replace('-', '\u2212');
		const c = z.split('/').pop().replace(/_/g, ' ');
		return /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT0?|GMT[+-]0|Greenwich)$/.test(z) ? 'UTC' : /^Etc\//.test(z) ? o : fill(w, RENAMED[c] || c, o);
	};

	class QuotaUsage extends HTMLElement {
		static get observedAttributes() {
			return ['token', 'parts', 'modules', 'locale', 'api'];
		}

		constructor() {
			super();
			this.root = this.attachShadow({ mode: 'open' });
			this.data = null;
			this.state = 'loading';
			this.visible = false;
			this.seen = false;
			this.onVisibility = () => this.watch();
		}

		connectedCallback() {
			// From here on a changed token reloads: an upgrade reports each attribute first, then connects.
			this.started = true;
			this.checkParts();
			this.observer = new IntersectionObserver((entries) => {
				this.seen = entries[entries.length - 1].isIntersecting;
				this.watch();
			});
			this.observer.observe(this);
			document.addEventListener('visibilitychange', this.onVisibility);
			this.reload();
		}

		disconnectedCallback() {
			this.started = false;
			this.observer && this.observer.disconnect();
			document.removeEventListener('visibilitychange', this.onVisibility);
			this.stop();
			clearTimeout(this.expiry);
			clearTimeout(this.retry);
		}

		attributeChangedCallback(name, before, after) {
			if (!this.started || before === after) return;
			if (name === 'token' || name === 'api') return this.reload();
			if (name === 'parts') this.checkParts();
			this.render();
		}

		/** A part it does not know shows nothing: a slip ("balanse") is said in the console, where the page's developer looks. */
		checkParts() {
			const unknown = (this.getAttribute('parts') || '').split(',').map((p) => p.trim()).filter((p) => p && !PARTS.includes(p));
			if (unknown.length) console.warn(`<quota-usage>: parts has ${unknown.map((p) => JSON.stringify(p)).join(', ')}, which it does not show; it takes ${PARTS.join(', ')}.`);
		}

		get base() {
			return (this.getAttribute('api') || SCRIPT_ORIGIN).replace(/\/$/, '');
		}

		get lang() {
			return this.getAttribute('locale') || document.documentElement.lang || navigator.language || 'en';
		}

		/** A new token (or the first): forget everything shown, then load. */
		reload() {
			this.stop();
			clearTimeout(this.expiry);
			this.data = null;
			this.lastId = null;
			this.state = 'loading';
			this.render();
			this.load();
		}

		headers() {
			const h = { authorization: 'Bearer ' + (this.getAttribute('token') || '') };
			if (this.lastId) h['last-event-id'] = this.lastId;
			return h;
		}

		/** An embed-token refusal ends the view: no figure stays on screen. */
		refused(reason) {
			this.stop();
			clearTimeout(this.expiry);
			this.data = null;
			this.state = /^(expired|revoked|not_member)$/.test(reason) ? reason : 'invalid';
			this.render();
			this.dispatchEvent(new CustomEvent('quota-usage-expired', { bubbles: true, composed: true, detail: { reason: this.state } }));
		}

		async load() {
			const token = this.getAttribute('token');
			if (!token) {
				// Said to the developer, who reads the console: the card only says it could not open. Not for a
				// token the page sets right after adding the element.
				queueMicrotask(() => this.getAttribute('token') || console.warn('<quota-usage>: no token: set token to an embed token your backend makes (POST /api/v1/embed-tokens).'));
				return this.refused('invalid');
			}
			clearTimeout(this.retry);
			try {
				const res = await fetch(this.base + '/api/v1/embed/summary', { headers: { authorization: 'Bearer ' + token }, credentials: 'omit', cache: 'no-store' });
				if (token !== this.getAttribute('token')) return;
				if (res.status === 401) return this.refused(((await res.json().catch(() => ({}))).details || {}).reason);
				if (!res.ok) throw new Error(String(res.status));
				this.data = await res.json();
				this.state = 'ready';
				this.stale = false;
				clearTimeout(this.expiry);
				this.expiry = setTimeout(() => this.refused('expired'), Math.max(0, Date.parse(this.data.expires_at) - Date.now()));
			} catch (e) {
				if (this.state !== 'ready') this.state = 'offline';
				this.retry = setTimeout(() => this.load(), 5000);
			}
			this.render();
			this.watch();
		}

		/** Runs the live stream while the element is on screen in a shown tab, and only then. */
		watch() {
			const visible = this.seen && !document.hidden && this.state === 'ready' && this.getAttribute('live') !== 'off';
			if (visible === this.visible) return;
			this.visible = visible;
			if (visible) {
				if (this.stale) this.load();
				this.follow();
			} else {
				this.stop();
				this.stale = true;
			}
		}

		stop() {
			this.visible = false;
			this.abort && this.abort.abort();
			this.abort = null;
			this.render();
		}

		/** The figures' stream: SSE over fetch, reconnecting with Last-Event-ID while visible. */
		async follow() {
			const abort = (this.abort = new AbortController());
			let wait = 1000;
			while (!abort.signal.aborted) {
				try {
					const res = await fetch(this.base + '/api/v1/embed/stream', { headers: this.headers(), credentials: 'omit', cache: 'no-store', signal: abort.signal });
					if (res.status === 401) return this.refused(((await res.json().catch(() => ({}))).details || {}).reason);
					if (!res.ok || !res.body) throw new Error(String(res.status));
					this.streaming = true;
					this.render();
					wait = 1000;
					await this.read(res.body.getReader());
				} catch (e) {
					if (abort.signal.aborted) break;
				}
				this.streaming = false;
				this.render();
				await new Promise((r) => setTimeout(r, wait));
				wait = Math.min(wait * 2, 30000);
			}
			this.streaming = false;
		}

		async read(reader) {
			const decoder = new TextDecoder();
			let text = '';
			for (;;) {
				const { value, done } = await reader.read();
				if (done) return;
				text += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
				let end;
				while ((end = text.indexOf('\n\n')) >= 0) {
					const block = text.slice(0, end);
					text = text.slice(end + 2);
					const id = /^id: ?(.*)$/m.exec(block);
					const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
					if (!data) continue;
					// The key behind the token was revoked or paused meanwhile: the stream's last word, as a refused request's.
					if (/^event: ?refused$/m.test(block)) return this.refused((JSON.parse(data).details || {}).reason);
					if (id) this.lastId = id[1];
					// Each event is the whole summary but its store link and expiry: a purchase lands with the tokens it bought.
					Object.assign(this.data, JSON.parse(data));
					this.render();
				}
			}
		}

		render() {
			const t = TEXTS[this.lang.slice(0, 2).toLowerCase()] || TEXTS.en;
			const d = this.data;
			let body;
			if (!d) {
				const bad = this.state !== 'loading' && this.state !== 'offline';
				body = `<p class="state${bad ? ' bad' : ''}" role="${bad ? 'alert' : 'status'}">${esc(t[this.state] || t.loading)}</p>`;
			} else {
				body = this.figures(d, t);
			}
			const live = d && this.streaming ? `<span class="live">${esc(t.live)}</span>` : '';
			// A team's pool says whose it is ("Acme Studio pool"), with or without a member viewing it: not "Your tokens".
			const html = `<style>${CSS}</style><section class="card ${d ? esc(d.level) : ''}" part="card" aria-labelledby="quota-title"><h2 id="quota-title" part="title">${esc(d && d.pool ? poolTitle(t.pool, d.pool) : t.title)}${live}</h2>${body}</section>`;
			// Unchanged figures leave the DOM (and the reader's focus) alone; a change keeps focus on the same part.
			if (html === this.html) return;
			const focused = this.root.activeElement && this.root.activeElement.getAttribute('part');
			this.root.innerHTML = this.html = html;
			if (focused) this.root.querySelector(`[part="${focused}"]`)?.focus();
		}

		figures(d, t) {
			const num = new Intl.NumberFormat(this.lang);
			// "1 token", "5,000 tokens" in running text, as the app says them.
			const plural = new Intl.PluralRules(this.lang);
			const day = new Intl.DateTimeFormat(this.lang, { dateStyle: 'medium' });
			const when = new Intl.DateTimeFormat(this.lang, { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' });
			// A moment names its zone, as the app's expiries do: "Dec 14, 2026, 7:39 PM Berlin time (UTC+1)".
			const at = (iso) => iso ? when.format((iso = new Date(iso))) + ' ' + zoneName(when.resolvedOptions().timeZone, iso, t.zone) : t.never;
			const wanted = (this.getAttribute('parts') || PARTS.join(',')).split(',').map((p) => p.trim());
			const modules = (this.getAttribute('modules') || '').split(',').map((m) => m.trim()).filter(Boolean);
			const table = (caption, heads, rows) =>
				rows.length
					? `<div class="scroll" tabindex="0" role="region" aria-label="${esc(caption)}"><table><caption class="sr">${esc(caption)}</caption><thead><tr>${heads
							.map((h, i) => `<th scope="col"${i === heads.length - 1 ? ' class="n"' : ''}>${esc(h)}</th>`)
							.join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${i === r.length - 1 ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`
					: `<p class="note">${esc(t.none)}</p>`;
			const out = [];
			if (wanted.includes('balance')) {
				const state = d.level === 'low' ? t.low : d.level === 'empty' ? (d.ever_granted ? t.empty : t.yet) : '';
				// A cap that leaves the user less than the account has: its figure, the account's beside it and the cap's line, as their dashboard says them.
				const cap = d.cap;
				// Unlimited lots say which, beside the figure, as the dashboard's Available card ("+ 1 unlimited model"; lib/allocation-words.ts);
				// every model's unlimited use is the figure, as there.
				const n = d.allocations.filter((a) => a.model && a.unlimited).length;
				const all = d.allocations.some((a) => !a.model && a.unlimited);
				out.push(
					`<p class="big" part="balance" aria-live="polite">${esc(all && !cap ? t.unlimited : num.format(cap ? cap.available : d.available))}<small>${esc(t.available)}</small></p>` +
						`<p class="sub">${[cap && cap.of, all ? t.um[2] : n ? fill(t.um[+(plural.select(n) !== 'one')], num.format(n)) : '', state, d.held ? num.format(d.held) + ' ' + t.held : '', num.format(d.used_today) + ' ' + t.today, num.format(d.used_this_month) + ' ' + t.month].filter(Boolean).map(esc).join(' · ')}</p>` +
						(cap ? `<p class="note">${esc(cap.line)}</p>` : '')
				);
			}
			const allowances = d.allowances.filter((a) => !modules.length || modules.includes(a.module));
			if (wanted.includes('allowances') && allowances.length) {
				out.push(
					`<h3>${esc(t.allowances)}</h3><ul>` +
						allowances
							.map((a) => {
								const left = a.limit === null ? null : Math.max(0, a.limit - a.used);
								const bar = a.limit ? `<div class="bar" role="progressbar" aria-label="${esc(a.name)}" aria-valuemin="0" aria-valuemax="${a.limit}" aria-valuenow="${left}"><i style="width:${(100 * left) / a.limit}%"></i></div>` : '';
								// Limit 0: the module is off for this account (the dashboard's "Not available"), with no window to reset.
								return `<li><div class="row"><span>${esc(a.name)}</span><span>${esc(left === null ? t.unlimited : a.limit ? fill(t.left, num.format(left), num.format(a.limit)) : t.off)}</span></div>${bar}${a.limit === 0 ? '' : `<p class="note">${esc(a.resets_at ? fill(t.resets, at(a.resets_at)) : t.noReset)}</p>`}</li>`;
							})
							.join('') +
						'</ul>'
				);
			}
			if (wanted.includes('models') && d.allocations.length) {
				// A mix says what expires when ("1,225 expire Dec 14, 2026, 7:39 PM UTC"), never the soonest date for the whole.
				const ends = (a) => (a.parts.length > 1 && !a.unlimited ? a.parts.map((p) => esc(fill(t.exp[+!p.expires_at], num.format(p.remaining), at(p.expires_at)))).join('<br>') : esc(at(a.expires_at)));
				out.push(`<h3>${esc(t.models)}</h3>` + table(t.models, [t.model, t.expires, t.remaining], d.allocations.map((a) => [esc(a.model ? a.name : t.general), ends(a), esc(a.unlimited ? t.unlimited : num.format(a.remaining))])));
			}
			if (wanted.includes('usage')) {
				out.push(`<h3>${esc(t.usage)}</h3>` + table(t.usage, [t.date, t.feature, t.tokens], d.usage.map((u) => [esc(day.format(new Date(u.date))), esc(u.feature_name) + (u.model ? `<br><small>${esc(u.model_name)}</small>` : ''), esc(num.format(u.tokens_used))])));
			}
			if (wanted.includes('purchases')) {
				// In minor units: no decimals for these (src/lib/money.ts).
				const money = (p, f = /CLP|JPY|KRW|VND/.test(p.currency) ? 0 : 2) => (p.amount_cents === null || !p.currency ? '' : new Intl.NumberFormat(this.lang, { style: 'currency', currency: p.currency, minimumFractionDigits: f, maximumFractionDigits: f }).format(p.amount_cents / 10 ** f));
				out.push(
					`<h3>${esc(t.purchases)}</h3>` +
						table(t.purchases, [t.date, t.product, t.amount], d.purchases.map((p) => [esc(day.format(new Date(p.created_at))), `${esc(p.product_name)}<br><small>${esc(num.format(p.tokens))} ${esc(t.unit[+(plural.select(p.tokens) !== 'one')])} · ${esc(t.s[p.status] || p.status)}</small>`, esc(money(p))]))
				);
			}
			if (wanted.includes('buy')) out.push(`<a class="buy" part="buy" href="${esc(d.store_url)}" target="_blank" rel="noopener">${esc(t.buy)}</a>`);
			return out.join('');
		}
	}

	customElements.define('quota-usage', QuotaUsage);
})();
