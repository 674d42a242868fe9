// node:net's address checks (the rest of the module is not available on this platform).
import net, { isIP, isIPv4, isIPv6 } from 'node:net';
import { assertEquals } from './assert.js';

export function ipv4_is_four_decimal_numbers_without_leading_zeros() {
  assertEquals(isIPv4('127.0.0.1'), true);
  assertEquals(isIPv4('255.255.255.255'), true);
  assertEquals(isIPv4('0.0.0.0'), true);
  for (const bad of ['256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..3.4', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d', '']) {
    assertEquals(isIPv4(bad), false, bad);
  }
}

export function ipv6_groups_shortening_embedded_ipv4_and_zones() {
  for (const good of ['::', '::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', 'fe80::1%eth0',
    '::ffff:192.168.0.1', '1:2:3:4:5:6:1.2.3.4', 'ABCD:ef01::', '2001:db8::8a2e:370:7334']) {
    assertEquals(isIPv6(good), true, good);
  }
  for (const bad of ['1::2::3', ':::', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':1', '1:', '1.2.3.4::',
    'fe80::1%', 'g::1', '1:2:3:4:5:6:7:1.2.3.4', '']) {
    assertEquals(isIPv6(bad), false, bad);
  }
}

export function isIP_names_the_family_or_zero() {
  assertEquals(isIP('10.0.0.1'), 4);
  assertEquals(isIP('::1'), 6);
  assertEquals(isIP('example.com'), 0);
  assertEquals(isIP(127001), 0);
  assertEquals(isIP(null), 0);
  assertEquals(net.isIP, isIP);
}
