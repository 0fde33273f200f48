"""The agent's side of its protocol: JSON lines in (requests), JSON lines out (replies).

Both are checked against ../protocol.schema.json, which emulator/agent-protocol.ts
generates from the zod schemas the TypeScript client checks with, so that the two sides
cannot drift apart. A request that breaks the schema is answered with an error; a reply
that breaks it is a bug of the agent, reported as a fault (the emulator stops the run).
"""
import json
import os

from . import schema

SCHEMA_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'protocol.schema.json')


class ProtocolError(ValueError):
    """A request that is not JSON or breaks the schema; `id` is its id when it had one."""

    def __init__(self, message, request_id=None):
        super().__init__(message)
        self.id = request_id


def load_schema(path=SCHEMA_FILE):
    """The request and reply schemas, refused if they use a keyword schema.py does not check."""
    with open(path) as f:
        doc = json.load(f)
    schema.check_keywords(doc)
    return doc['$defs']['request'], doc['$defs']['reply']


class Protocol:
    """Decodes request lines and writes reply lines to `out`, both checked."""

    def __init__(self, out, schemas=None):
        self.out = out
        self.request_schema, self.reply_schema = schemas or load_schema()

    def decode(self, line):
        """One request line as a dict; raises ProtocolError when it breaks the protocol."""
        try:
            msg = json.loads(line)
        except ValueError as e:
            raise ProtocolError('not JSON: %s' % e)
        request_id = msg.get('id') if isinstance(msg, dict) and isinstance(msg.get('id'), str) else None
        try:
            schema.validate(msg, self.request_schema, 'request')
        except schema.SchemaError as e:
            raise ProtocolError(str(e), request_id)
        return msg

    def encode(self, msg):
        """One reply line; raises SchemaError when the reply breaks the protocol."""
        schema.validate(msg, self.reply_schema, 'reply')
        return json.dumps(msg, separators=(',', ':')) + '\n'

    def emit(self, msg):
        try:
            line = self.encode(msg)
        except schema.SchemaError as e:
            line = self.encode({'op': 'fault', 'error': 'the agent broke its protocol: %s' % e})
        self.out.write(line)
        self.out.flush()

    def ok(self, request_id, **fields):
        self.emit(dict({'op': 'ok', 'id': request_id}, **fields))

    def error(self, request_id, e):
        self.emit({'op': 'error', 'id': request_id, 'error': describe(e)})

    def fault(self, e):
        self.emit({'op': 'fault', 'error': describe(e)})


def describe(e):
    return '%s: %s' % (type(e).__name__, e)
