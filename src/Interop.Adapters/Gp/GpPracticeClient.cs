using System.Net;
using System.Net.Http.Headers;
using Interop.Core.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Interop.Adapters.Gp;

/// <summary>
/// Pulls a patient's native extract from their practice system: <c>GET {BaseUrl}/patients/{nhsNumber}/extract</c>
/// (<c>Accept: application/json</c>; 200 with the extract, 404 when the practice does not hold the patient).
/// A typed <see cref="HttpClient"/> registered by <see cref="GpAdapterServiceCollectionExtensions.AddGpAdapter"/>
/// carries the resilience pipeline (timeouts, retry with jitter, circuit breaker per practice host); this class
/// turns every partner failure into a <see cref="GpPullResult"/> so a down practice degrades a summary to
/// cached data plus a warning (architecture decision 9), never to an exception.
/// </summary>
public sealed class GpPracticeClient
{
    private readonly HttpClient _http;
    private readonly IOptionsMonitor<GpAdapterOptions> _options;
    private readonly ILogger<GpPracticeClient> _logger;

    public GpPracticeClient(HttpClient http, IOptionsMonitor<GpAdapterOptions> options, ILogger<GpPracticeClient> logger)
    {
        _http = http;
        _options = options;
        _logger = logger;
    }

    /// <summary>The pull URL for a practice base URL: <c>{baseUrl}/patients/{nhsNumber}/extract</c>.</summary>
    public static Uri ExtractUri(string baseUrl, string nhsNumber) =>
        new($"{baseUrl.TrimEnd('/')}/patients/{Uri.EscapeDataString(nhsNumber)}/extract", UriKind.Absolute);

    /// <summary>
    /// Pulls the extract of <paramref name="nhsNumber"/> from practice <paramref name="odsCode"/>. Throws only
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<GpPullResult> PullExtractAsync(string odsCode, string nhsNumber, CancellationToken cancellationToken = default)
    {
        var nhs = NhsNumber.Normalise(nhsNumber);
        if (!NhsNumber.IsValid(nhs)) return GpPullResult.Failed(GpPullFailure.InvalidNhsNumber, NhsNumber.Explain(nhsNumber));
        if (!_options.CurrentValue.Practices.TryGetValue(odsCode, out var practice) || string.IsNullOrWhiteSpace(practice.BaseUrl))
            return GpPullResult.Failed(GpPullFailure.PracticeNotConfigured, $"No pull endpoint is configured for practice {odsCode}.");

        var result = await PullAsync(odsCode, ExtractUri(practice.BaseUrl, nhs!), nhs!, cancellationToken);
        if (!result.Succeeded)
            _logger.LogWarning("GP extract pull from practice {OdsCode} failed: {Failure} {Detail}", odsCode, result.Failure, result.Detail);
        return result;
    }

    private async Task<GpPullResult> PullAsync(string odsCode, Uri uri, string nhs, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            // The default completion option buffers the body inside the pipeline, so its timeouts cover it too.
            using var response = await _http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotFound)
                return GpPullResult.Failed(GpPullFailure.PatientNotKnown, $"Practice {odsCode} does not hold this patient.", status);
            if (!response.IsSuccessStatusCode)
                return GpPullResult.Failed(GpPullFailure.PartnerError, $"Practice {odsCode} answered {status} {response.ReasonPhrase}.", status);

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var read = await GpExtractReader.ReadAsync(body, cancellationToken);
            if (!read.IsValid)
                return GpPullResult.Failed(GpPullFailure.InvalidBody,
                    $"Practice {odsCode} sent a body that is not a valid extract ({read.Problems.Count(p => p.IsError)} problems).", status, read.Problems);
            if (NhsNumber.Normalise(read.Extract!.Patient!.NhsNumber) != nhs)
                return GpPullResult.Failed(GpPullFailure.InvalidBody, $"Practice {odsCode} sent another patient's extract.", status, read.Problems);
            return GpPullResult.Success(read.Extract, read.Problems);
        }
        catch (BrokenCircuitException)
        {
            return GpPullResult.Failed(GpPullFailure.CircuitOpen, $"Practice {odsCode} has been failing; calls are paused.");
        }
        catch (TimeoutRejectedException)
        {
            return GpPullResult.Failed(GpPullFailure.Timeout, $"Practice {odsCode} did not answer in time.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, when no resilience handler is in front of it.
            return GpPullResult.Failed(GpPullFailure.Timeout, $"Practice {odsCode} did not answer in time.");
        }
        catch (HttpRequestException ex)
        {
            return GpPullResult.Failed(GpPullFailure.Unreachable, $"Practice {odsCode} could not be reached: {ex.Message}");
        }
        catch (IOException ex)
        {
            return GpPullResult.Failed(GpPullFailure.Unreachable, $"Practice {odsCode} broke the connection: {ex.Message}");
        }
    }
}
