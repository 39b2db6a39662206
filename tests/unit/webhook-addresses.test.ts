import { describe, expect, it } from 'vitest';
import { privateKind, urlRefusal } from '../../src/lib/server/webhooks/address';

// Where webhooks may go unless WEBHOOK_PRIVATE_URLS is on: public names and public unicast IPs, never
// loopback, private networks, link-local (the cloud's metadata address) and the other non-public
// ranges, however the IP is written (WHATWG URL reads http://2130706433/ as 127.0.0.1).

describe('webhook URLs a production server refuses when they are set', () => {
	it.each([
		'https://hooks.example.com/quota',
		'http://hooks.example.com:8080/x?y=1',
		'http://8.8.8.8/',
		'https://93.184.216.34/hook',
		'http://[2606:4700:4700::1111]/',
		'http://localhost.example.com/', // a name under a public domain: checked when it is resolved
		'http://mylocalhost/'
	])('lets %s through (a name is checked again where it is resolved)', (url) => {
		expect(urlRefusal(url)).toBeNull();
	});

	it.each([
		['http://localhost:3000/hooks', 'localhost is a loopback address'],
		['http://LocalHost/', 'localhost is a loopback address'],
		['http://api.localhost/', 'api.localhost is a loopback address'],
		['http://127.0.0.1/', '127.0.0.1 is a loopback address'],
		['http://127.8.9.10:9000/', '127.8.9.10 is a loopback address'],
		['http://127.1/', '127.0.0.1 is a loopback address'],
		['http://2130706433/', '127.0.0.1 is a loopback address'],
		['http://0x7f.1/', '127.0.0.1 is a loopback address'],
		['http://0x7f000001/', '127.0.0.1 is a loopback address'],
		['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
		['http://10.0.0.5/', '10.0.0.5 is a private address'],
		['http://172.16.3.4/', '172.16.3.4 is a private address'],
		['http://172.31.255.255/', '172.31.255.255 is a private address'],
		['http://192.168.1.1/', '192.168.1.1 is a private address'],
		['http://169.254.169.254/latest', '169.254.169.254 is a link-local address'],
		['http://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT address'],
		['http://0.0.0.0/', '0.0.0.0 is an unspecified address'],
		['http://0/', '0.0.0.0 is an unspecified address'],
		['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
		['http://255.255.255.255/', '255.255.255.255 is the broadcast address'],
		['http://240.0.0.1/', '240.0.0.1 is a reserved address'],
		['http://192.0.2.1/', '192.0.2.1 is a reserved address'],
		['http://[::1]/', '::1 is a loopback address'],
		['http://[0:0:0:0:0:0:0:1]:8080/', '::1 is a loopback address'],
		['http://[::]/', ':: is an unspecified address'],
		['http://[fe80::1]/', 'fe80::1 is a link-local address'],
		['http://[fc00::1]/', 'fc00::1 is a unique-local address'],
		['http://[fd12:3456::1]/', 'fd12:3456::1 is a unique-local address'],
		['http://[ff02::1]/', 'ff02::1 is a multicast address'],
		['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is a loopback address'],
		['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a link-local address'],
		['http://[::ffff:10.1.2.3]/', '::ffff:a01:203 is a private address'],
		['http://[::127.0.0.1]/', '::7f00:1 is a reserved address'], // IPv4-compatible (deprecated)
		['http://[64:ff9b::7f00:1]/', '64:ff9b::7f00:1 is a reserved address'] // NAT64 of 127.0.0.1
	])('refuses %s: %s', (url, reason) => {
		expect(urlRefusal(url)).toBe(reason);
	});
});

describe('addresses a resolved name may not have at delivery', () => {
	it.each([
		['127.0.0.1', 'a loopback address'],
		['10.1.2.3', 'a private address'],
		['169.254.169.254', 'a link-local address'],
		['::1', 'a loopback address'],
		['::ffff:192.168.0.1', 'a private address'],
		['fd00::5', 'a unique-local address'],
		['8.8.8.8', null],
		['2606:4700:4700::1111', null]
	])('%s is %s', (ip, kind) => {
		expect(privateKind(ip)).toBe(kind);
	});
});
