/** The official centrifuge-python client from PyPI, in a venv of its own. */
import type { VenvSpec } from '@cadenza/testkit/services/python-venv';

export const centrifugePythonVenv: VenvSpec = { name: 'centrifuge-python-venv', key: 'centrifuge-python', pipArgs: ['centrifuge-python'], probe: 'import centrifuge' };
