import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { purchaseStatus, UNPAID_CHECKOUT_NOTE } from '../../src/lib/client/purchase-status';
import { ALL_MODELS } from '../../src/lib/model-words';

// The <quota-usage> widget is a classic script with its own texts (it imports nothing); in English it
// words an unpaid checkout as the app's purchase lists do, and says under the list what that means.
const widget = readFileSync(new URL('../../widget/quota-usage.js', import.meta.url), 'utf8');
const english = widget.slice(widget.indexOf('en: {'), widget.indexOf('de: {'));

describe('the widget’s words for a purchase’s state', () => {
	it('an unpaid checkout reads as on the dashboard and Purchases, with the same sentence under the list', () => {
		expect(english).toContain(`pending: '${purchaseStatus.pending.label}'`);
		expect(english).toContain(`unpaid: '${UNPAID_CHECKOUT_NOTE}'`);
	});

	it('every language has the sentence and no "Pending" left', () => {
		expect(widget.match(/^\t{3}unpaid: /gm)).toHaveLength(4);
		expect(widget).not.toMatch(/pending: '(Pending|Offen|En attente|Pendiente)'/);
	});
});

describe('the widget’s name for tokens no one model is tied to', () => {
	it('is the app’s "All models" in English, and no language says "General"', () => {
		expect(english).toContain(`general: '${ALL_MODELS}'`);
		expect(widget).not.toMatch(/general: '(General|Allgemein|Général)'/);
	});
});
