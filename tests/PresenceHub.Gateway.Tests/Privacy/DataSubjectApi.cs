using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PresenceHub.Gateway.Tests.Graph;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Tests.Privacy;

/// <summary>The data-subject API as an administrator (admin key) or a signed-in user (Teams SSO token) calls it.</summary>
internal static class DataSubjectApi
{
    public static Task<HttpResponseMessage> PutPrivacyAsync(this GraphIngestWorld world, string userId, object body, OrganizationId? organization = null) =>
        world.AdminAsync(HttpMethod.Put, $"admin/organizations/{organization ?? world.Organization}/users/{userId}/privacy", body);

    /// <summary>Sets the flags and requires success.</summary>
    public static async Task SetPrivacyAsync(this GraphIngestWorld world, string userId, object body)
    {
        using var response = await world.PutPrivacyAsync(userId, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"setting privacy failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<string> ExportAsync(this GraphIngestWorld world, string userId, OrganizationId? organization = null)
    {
        using var response = await world.AdminAsync(HttpMethod.Get, $"admin/organizations/{organization ?? world.Organization}/users/{userId}/export");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"export failed: {(int)response.StatusCode} {body}");
        return body;
    }

    public static async Task<HttpResponseMessage> AdminAsync(this GraphIngestWorld world, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Admin-Key", GraphIngestWorld.AdminKey);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await world.GatewayHttp.SendAsync(request);
    }

    /// <summary>A call of the signed-in user of <paramref name="tenant"/> with their Teams SSO token.</summary>
    public static async Task<HttpResponseMessage> AsUserAsync(this GraphIngestWorld world, string tenant, string userId, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", world.Control.MintTeamsSsoToken(tenant, userId, world.ClientId));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await world.GatewayHttp.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
