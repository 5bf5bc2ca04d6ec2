namespace Interop.Adapters.Hl7v2;

/// <summary>
/// What <see cref="Hl7v2Parser"/> found in a body: zero or more messages (each with its own
/// <see cref="Hl7v2Message.ParseProblems"/>) and the problems that belong to no message, such as
/// segments before the first MSH. No messages at all means the body gets one AR ACK
/// (<see cref="Hl7v2AckBuilder.BuildUnreadable"/>).
/// </summary>
public sealed record Hl7v2ParseResult(IReadOnlyList<Hl7v2Message> Messages, IReadOnlyList<Hl7v2Problem> Problems);
