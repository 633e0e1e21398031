/** The reply to `/packit help` on a source-git merge request (and to commands the stream worker does not run). */
export function streamHelpText(unknown?: string | null): string {
  return [
    unknown
      ? `packflow does not run \`${unknown}\` on source-git merge requests. These are the commands it runs here:`
      : 'packflow commands on source-git merge requests:',
    '',
    '- `/packit test`: run the dist-git merge request CI again (a new pipeline); its results come back here as commit statuses',
    '- `/packit build`: sync again from the start: convert, force-push to the dist-git merge request and run its CI',
    '- `/packit propose-downstream`: re-create the dist-git merge request from the commit pushed last: reopened when it was closed, opened anew when it was merged or is gone',
    '- `/packit help`: this list',
    '',
    'Only people with write access to the source-git project can run commands.',
  ].join('\n');
}
