namespace Interop.Adapters.Council;

/// <summary>
/// The assessor's finding on one outcome. <see cref="UnableToAchieve"/> is null when the outcome
/// was not recorded (a carer's assessment, for example, uses reg 3 rather than these ten).
/// </summary>
public sealed record EligibilityOutcomeFinding(EligibilityOutcome Outcome, bool? UnableToAchieve, string? Note);
