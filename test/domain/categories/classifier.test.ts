import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, scoreCategory, words } from '../../../src/domain/categories/classifier.js';

const battery = { id: 'c-battery', name: 'Battery', keywords: ['charging', 'power bank'] };
const billing = { id: 'c-billing', name: 'Billing', keywords: ['invoice', 'refund', 'charge'] };
const connectivity = { id: 'c-conn', name: 'Connectivity', keywords: ['Wi-Fi', 'bluetooth'] };
const all = [battery, billing, connectivity];

describe('category classifier', () => {
  it('splits text into lower-cased words of letters and digits', () => {
    assert.deepEqual(words('Wi-Fi drops at 5GHz; café CLOSED!'), ['wi', 'fi', 'drops', 'at', '5ghz', 'café', 'closed']);
    assert.deepEqual(words('  ...  '), []);
  });

  it('picks the category with the most whole-word, case-insensitive matches of its name and keywords', () => {
    assert.equal(classify(['BATTERY dies while Charging'], all)?.id, 'c-battery');
    assert.equal(classify(['Refund please', 'the invoice is wrong, and the battery'], all)?.id, 'c-billing');
  });

  it('counts whole words only: a keyword inside a longer word does not match', () => {
    // "charge" is a Billing keyword; "charger" and "recharged" are other words.
    assert.equal(classify(['my charger is broken, recharged twice'], all), undefined);
    assert.equal(scoreCategory(billing, words('charge charges charge')), 2);
  });

  it('matches a keyword of several words only as a phrase, and hyphens as separators', () => {
    assert.equal(scoreCategory(battery, words('my power bank is dead')), 1);
    assert.equal(scoreCategory(battery, words('the bank has power')), 0);
    assert.equal(scoreCategory(connectivity, words('WIFI off; wi fi on; Wi-Fi on; wi/fi')), 3);
  });

  it('does not let a phrase span two texts', () => {
    assert.equal(scoreCategory(battery, words('power')), 0);
    assert.equal(classify(['low power', 'bank holiday'], [battery]), undefined);
    assert.equal(classify(['power bank', 'x'], [battery])?.id, 'c-battery');
  });

  it('breaks ties by category name, whatever the order of the categories', () => {
    const text = ['refund for the battery'];
    assert.equal(classify(text, [battery, billing])?.id, 'c-battery');
    assert.equal(classify(text, [billing, battery])?.id, 'c-battery');
    const lower = { id: 'z', name: 'apple', keywords: ['fruit'] };
    const upper = { id: 'y', name: 'Banana', keywords: ['fruit'] };
    assert.equal(classify(['fruit'], [upper, lower])?.id, 'z');
  });

  it('leaves the ticket uncategorized when nothing matches, or when there are no categories', () => {
    assert.equal(classify(['The screen flickers'], all), undefined);
    assert.equal(classify(['battery'], []), undefined);
    assert.equal(classify([], all), undefined);
  });

  it('counts a term listed twice (name and keyword, any case) once', () => {
    const doubled = { id: 'd', name: 'Battery', keywords: ['battery', 'BATTERY'] };
    assert.equal(scoreCategory(doubled, words('battery')), 1);
  });

  it('ignores terms without a letter or digit', () => {
    const odd = { id: 'o', name: '???', keywords: ['!!!'] };
    assert.equal(classify(['??? !!!'], [odd]), undefined);
  });

  it('is deterministic: same input, same answer', () => {
    const text = ['bluetooth and battery and invoice'];
    const first = classify(text, all)?.id;
    for (let i = 0; i < 5; i++) assert.equal(classify(text, [...all].reverse())?.id, first);
    assert.equal(first, 'c-battery');
  });
});
