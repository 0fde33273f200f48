"""The agent's JSON Schema subset validator, and the protocol's schema file read through it."""
import unittest

from twinnet_agent import schema
from twinnet_agent.protocol import load_schema

REQUEST, REPLY = load_schema()


class ValidatorTest(unittest.TestCase):
    def test_types_consts_and_bounds(self):
        schema.validate(3, {'type': 'integer', 'minimum': 0, 'maximum': 5})
        for bad, s in [(True, {'type': 'integer'}), (1.5, {'type': 'integer'}), (-1, {'type': 'integer', 'minimum': 0}),
                       ('x', {'const': 'y'}), ('c', {'enum': ['a', 'b']}), ('', {'type': 'string', 'minLength': 1}),
                       (0, {'type': 'integer', 'exclusiveMinimum': 0}), (None, {'type': 'string'})]:
            with self.assertRaises(schema.SchemaError, msg=repr((bad, s))):
                schema.validate(bad, s)
        schema.validate(None, {'type': ['string', 'null']})

    def test_objects_name_the_field_that_breaks_them(self):
        s = {'type': 'object', 'properties': {'a': {'type': 'integer'}}, 'required': ['a'],
             'additionalProperties': False}
        with self.assertRaisesRegex(schema.SchemaError, r'\$\.b: unexpected field'):
            schema.validate({'a': 1, 'b': 2}, s)
        with self.assertRaisesRegex(schema.SchemaError, r'a is missing'):
            schema.validate({}, s)
        with self.assertRaisesRegex(schema.SchemaError, r'\$\.m\.k: expected integer'):
            schema.validate({'k': 'x'}, {'type': 'object', 'additionalProperties': {'type': 'integer'}}, '$.m')

    def test_unions_report_the_branch_their_discriminator_selects(self):
        a = {'type': 'object', 'properties': {'op': {'const': 'a'}, 'n': {'type': 'integer'}}, 'required': ['op', 'n']}
        s = {'oneOf': [a,
                       {'type': 'object', 'properties': {'op': {'const': 'b'}}, 'required': ['op']}]}
        schema.validate({'op': 'b'}, s)
        with self.assertRaisesRegex(schema.SchemaError, r'n: expected integer'):
            schema.validate({'op': 'a', 'n': 'x'}, s)
        with self.assertRaisesRegex(schema.SchemaError, 'none of the allowed forms'):
            schema.validate({'op': 'c'}, s)

    def test_refuses_a_schema_with_keywords_it_does_not_check(self):
        with self.assertRaisesRegex(ValueError, 'pattern'):
            schema.check_keywords({'type': 'object', 'properties': {'a': {'type': 'string', 'pattern': '^x'}}})


class ProtocolSchemaTest(unittest.TestCase):
    """Requests and replies as the TypeScript client writes and reads them (emulator/agent-protocol.ts)."""

    def test_requests(self):
        shape = {'delayNs': 0, 'jitterNs': 0, 'lossPpm': 0, 'rateBps': 0, 'limit': 0}
        for r in [{'op': 'sysctl', 'id': 'c0', 'ns': 'tnab12-a', 'set': {'net.ipv4.ip_forward': '1'},
                   'read': ['net.ipv4.ip_forward']},
                  {'op': 'listen', 'id': 'c1', 'ns': 'tnab12-a', 'proto': 'udp', 'port': 53},
                  {'op': 'probe', 'id': 'c2', 'ns': 'tnab12-a', 'kind': 'tcp', 'dst': '10.0.0.2', 'port': 80,
                   'request': 'x\n', 'timeoutNs': 3500000000},
                  {'op': 'relay', 'id': 'c3', 'relay': 'a/eth0', 'a': {'ns': 'n', 'dev': 'r1'},
                   'b': {'ns': 'n', 'dev': 'r2'}, 'shapeAB': shape, 'shapeBA': shape, 'seed': 1},
                  {'op': 'relay-shape', 'id': 'c4', 'relay': 'a/eth0', 'dir': 'ba', 'shape': shape},
                  {'op': 'relay-stats', 'id': 'c5'},
                  {'op': 'proxy', 'id': 'c6', 'ns': 'n', 'proto': 'tcp', 'hostIp': '0.0.0.0', 'hostPort': 8080,
                   'containerIp': '172.17.0.2', 'containerPort': 80, 'version': '28'},
                  {'op': 'quit'}]:
            schema.validate(r, REQUEST, 'request')
        with self.assertRaisesRegex(schema.SchemaError, 'timeout_ns: unexpected field'):
            schema.validate({'op': 'probe', 'id': 'c2', 'ns': 'n', 'kind': 'tcp', 'dst': 'd', 'port': 1, 'request': '',
                             'timeoutNs': 1, 'timeout_ns': 1}, REQUEST, 'request')

    def test_replies(self):
        for r in [{'op': 'ready', 'pid': 12},
                  {'op': 'ok', 'id': 'c0', 'values': {'net.x': None}},
                  {'op': 'ok', 'id': 'c5', 'stats': {'a/eth0': {'loss': 0, 'queueFull': 0, 'linkDown': 0, 'sent': 3}}},
                  {'op': 'error', 'id': None, 'error': 'ProtocolError: x'},
                  {'op': 'result', 'id': 'c2', 'sent': 1, 'received': 0, 'rttNs': [],
                   'end': {'kind': 'errno', 'errno': 'ECONNREFUSED', 'step': 'connection',
                           'strerror': 'Connection refused'}},
                  {'op': 'result', 'id': 'c2', 'end': {'kind': 'reply', 'seen': {'address': '10.0.0.1', 'port': 40000}},
                   'sent': 1, 'received': 1, 'rttNs': [120000]},
                  {'op': 'log', 'ns': 'n', 'what': 'docker-proxy', 'message': 'm'},
                  {'op': 'fault', 'error': 'e'}]:
            schema.validate(r, REPLY, 'reply')
        with self.assertRaises(schema.SchemaError):
            schema.validate({'op': 'result', 'id': 'c2', 'outcome': 'delivered'}, REPLY, 'reply')


if __name__ == '__main__':
    unittest.main()
