namespace Interop.Api.Adapters;

/// <summary>Settings of the outbox dispatcher, section <c>Adapters:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Adapters:Outbox";

    /// <summary>Run the dispatcher in this instance (any number of instances may; rows are leased).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often due messages are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First back-off after a failed delivery; doubled per attempt (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a claimed row belongs to one instance; longer than one send with its retries.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most rows claimed per poll.</summary>
    public int BatchSize { get; set; } = 20;
}
