/**
 * Saves a chart drawn as SVG (the charts in components/charts) as a PNG, in the browser only: the
 * SVG is copied with each element's computed colours and fonts written in (the page's CSS
 * variables do not travel with a serialized SVG), drawn on a canvas at twice its size over the
 * page's background, and downloaded. No server and no chart service is involved.
 */
const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-opacity', 'fill-opacity', 'opacity', 'font-family', 'font-size',
  'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'display'] as const

export async function downloadChartPng(container: HTMLElement | null | undefined, fileName: string): Promise<boolean> {
  const svg = container?.querySelector('svg')
  if (!svg) return false
  const { width, height } = svg.getBoundingClientRect()
  const copy = svg.cloneNode(true) as SVGSVGElement
  const from = [svg, ...svg.querySelectorAll('*')]
  const to = [copy, ...copy.querySelectorAll('*')]
  from.forEach((node, i) => {
    const style = getComputedStyle(node)
    const target = to[i] as SVGElement | undefined
    if (!target) return
    for (const name of STYLED) target.style.setProperty(name, style.getPropertyValue(name))
  })
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  copy.setAttribute('width', String(width))
  copy.setAttribute('height', String(height))
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }))
  try {
    const image = new Image()
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve()
      image.onerror = () => reject(new Error('the chart could not be drawn'))
      image.src = url
    })
    const scale = 2
    const canvas = document.createElement('canvas')
    canvas.width = Math.ceil(width * scale)
    canvas.height = Math.ceil(height * scale)
    const context = canvas.getContext('2d')!
    context.fillStyle = getComputedStyle(document.body).backgroundColor || '#ffffff'
    context.fillRect(0, 0, canvas.width, canvas.height)
    context.scale(scale, scale)
    context.drawImage(image, 0, 0, width, height)
    const blob = await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, 'image/png'))
    if (!blob) return false
    const link = document.createElement('a')
    link.href = URL.createObjectURL(blob)
    link.download = fileName
    link.click()
    setTimeout(() => URL.revokeObjectURL(link.href), 1000)
    return true
  }
  finally {
    URL.revokeObjectURL(url)
  }
}
