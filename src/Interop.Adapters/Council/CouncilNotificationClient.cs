using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Interop.Adapters.Council;

/// <summary>
/// Sends discharge notifications to a council. Typed client: the <see cref="HttpClient"/> comes
/// from <c>IHttpClientFactory</c> with the standard resilience handler (timeouts, jittered retry,
/// circuit breaker; see <see cref="CouncilAdapterServiceCollectionExtensions"/>). Partner failures
/// are returned as a <see cref="CouncilNotificationResult"/>, never thrown; only the caller's own
/// cancellation throws.
/// </summary>
public sealed class CouncilNotificationClient(HttpClient httpClient, IOptions<CouncilAdapterOptions> options, ILogger<CouncilNotificationClient>? logger = null)
{
    /// <summary>Header carrying the outbox message id, so a council that honours it applies a retried message once.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly ILogger _logger = logger ?? NullLogger<CouncilNotificationClient>.Instance;

    /// <summary>
    /// POSTs <paramref name="notification"/> to <paramref name="destination"/> (default:
    /// <c>Adapters:Council:NotificationUrl</c>) with <c>Idempotency-Key: {idempotencyKey}</c>.
    /// </summary>
    public async Task<CouncilNotificationResult> SendAsync(CouncilDischargeNotification notification, string idempotencyKey,
        Uri? destination = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var url = destination ?? options.Value.NotificationUri;
        if (url is null)
            return new CouncilNotificationResult(CouncilDeliveryOutcome.PermanentFailure, null,
                $"No destination: {CouncilAdapterOptions.SectionName}:NotificationUrl is not configured.");

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(notification.Body, Encoding.UTF8, notification.ContentType),
        };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);

        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var outcome = Classify(response.StatusCode);
            if (outcome != CouncilDeliveryOutcome.Delivered)
                _logger.LogWarning("Council notification {Key} to {Url} answered {Status}: {Outcome}", idempotencyKey, url, status, outcome);
            return new CouncilNotificationResult(outcome, status, $"{status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException or IOException)
        {
            // Connection refused, DNS, TLS, timeouts and an open circuit are the partner's outage, not ours.
            _logger.LogWarning(e, "Council notification {Key} to {Url} failed: {Message}", idempotencyKey, url, e.Message);
            return new CouncilNotificationResult(CouncilDeliveryOutcome.RetryableFailure, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>2xx delivered; 408, 409 (same key still in flight), 425, 429 and 5xx retryable; other statuses permanent.</summary>
    public static CouncilDeliveryOutcome Classify(HttpStatusCode statusCode) => (int)statusCode switch
    {
        >= 200 and < 300 => CouncilDeliveryOutcome.Delivered,
        408 or 409 or 425 or 429 or >= 500 => CouncilDeliveryOutcome.RetryableFailure,
        _ => CouncilDeliveryOutcome.PermanentFailure,
    };
}
