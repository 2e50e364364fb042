/**
 * @module @cadenza/protocol
 * The Centrifuge client protocol (v2): message shapes, Centrifugo's code catalogues, and the JSON and protobuf codecs.
 */
export * from './codes.ts';
export * from './frames.ts';
export { shapeCommand } from './command-shape.ts';
export { jsonCodec, decodeJsonCommands, encodeJsonReplies, stringifyReply } from './json-codec.ts';
export { protobufCodec, decodeProtobufCommands, encodeProtobufReplies, protobufTypes } from './protobuf-codec.ts';
